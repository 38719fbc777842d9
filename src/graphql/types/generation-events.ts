// The generationEvents subscription's payloads: one GraphQL type per bus event, behind one interface.
import { Field, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import type { GenerationEvent as BusEvent, GenerationEventType } from '../../generation/events.js';
import { enumOf } from './enums.js';
import { Image } from './image.js';

@InterfaceType({
  description: 'Progress of a generation: QUEUED -> STARTED -> STEP... -> IMAGE... -> COMPLETED | FAILED | CANCELLED.',
  resolveType: (event: BusEvent) => EVENT_TYPE_NAMES[event.type],
})
export abstract class GenerationEvent {
  @Field(() => GenerationEventTypeEnum) type!: GenerationEventType;
  @Field(() => ID) generationId!: string;
}

@ObjectType({ implements: GenerationEvent, description: 'Waiting in the queue.' })
export class GenerationQueued extends GenerationEvent {
  @Field(() => Int, { description: '1-based place in the queue.' }) position!: number;
}

@ObjectType({ implements: GenerationEvent, description: 'A worker took the job.' })
export class GenerationStarted extends GenerationEvent {}

@ObjectType({ implements: GenerationEvent, description: 'One denoising step finished.' })
export class GenerationStep extends GenerationEvent {
  @Field(() => Int, { description: 'From 1; the last one is totalSteps.' }) step!: number;
  @Field(() => Int, { description: "Steps this run takes: fewer than Generation.steps for img2img, which skips the start of the schedule; with a hires fix, both passes' steps together." }) totalSteps!: number;
  @Field(() => Int, { description: "1, or 2 on a hires fix's second pass (its steps are counted after the first pass's)." }) pass!: number;
  @Field(() => String, { nullable: true, description: 'Small WebP preview of the first image as a data: URL (null on steps without a preview).' }) preview!: string | null;
}

@ObjectType({ implements: GenerationEvent, description: 'An image is stored and can be downloaded.' })
export class GenerationImage extends GenerationEvent {
  @Field(() => Image, { description: 'As Generation.images lists it from now on.' }) image!: Image;
}

@ObjectType({ implements: GenerationEvent, description: 'All images are stored.' })
export class GenerationCompleted extends GenerationEvent {
  @Field(() => [String], { description: 'As Generation.warnings.' }) warnings!: string[];
}

@ObjectType({ implements: GenerationEvent })
export class GenerationFailed extends GenerationEvent {
  @Field(() => String, { description: 'Why it failed, as Generation.error.' }) message!: string;
}

@ObjectType({ implements: GenerationEvent })
export class GenerationCancelled extends GenerationEvent {}

/** A Record, so an event type the bus gains without a class here fails to compile. */
const EVENT_TYPE_NAMES: Record<GenerationEventType, string> = {
  QUEUED: GenerationQueued.name,
  STARTED: GenerationStarted.name,
  STEP: GenerationStep.name,
  IMAGE: GenerationImage.name,
  COMPLETED: GenerationCompleted.name,
  FAILED: GenerationFailed.name,
  CANCELLED: GenerationCancelled.name,
};

// Read by the `type` field's thunk only when the schema is built, so it may follow the classes.
const GenerationEventTypeEnum = enumOf('GenerationEventType', Object.keys(EVENT_TYPE_NAMES) as GenerationEventType[]);

/** All implementations, so buildSchema includes them even though no field returns them directly. */
export const GENERATION_EVENT_TYPES = [
  GenerationQueued,
  GenerationStarted,
  GenerationStep,
  GenerationImage,
  GenerationCompleted,
  GenerationFailed,
  GenerationCancelled,
];
