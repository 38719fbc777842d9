import { Field, ID, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import type { GenerationEvent as BusEvent, GenerationEventType } from '../../generation/events.js';
import { Image } from './generation.js';

export const GenerationEventTypeEnum = {
  QUEUED: 'QUEUED',
  STARTED: 'STARTED',
  STEP: 'STEP',
  IMAGE: 'IMAGE',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
} as const satisfies { [K in GenerationEventType]: K };
registerEnumType(GenerationEventTypeEnum, { name: 'GenerationEventType' });

@InterfaceType({
  description: 'Progress of a generation: QUEUED -> STARTED -> STEP... -> IMAGE... -> COMPLETED | FAILED | CANCELLED.',
  resolveType: (event: BusEvent) => EVENT_TYPE_NAMES[event.type],
})
export abstract class GenerationEvent {
  @Field(() => GenerationEventTypeEnum)
  type!: GenerationEventType;

  @Field(() => ID)
  generationId!: string;
}

@ObjectType({ implements: GenerationEvent, description: 'Waiting in the queue.' })
export class GenerationQueued extends GenerationEvent {
  @Field(() => Int, { description: '1-based place in the queue.' })
  position!: number;
}

@ObjectType({ implements: GenerationEvent, description: 'A worker took the job.' })
export class GenerationStarted extends GenerationEvent {}

@ObjectType({ implements: GenerationEvent, description: 'One denoising step finished.' })
export class GenerationStep extends GenerationEvent {
  @Field(() => Int)
  step!: number;

  @Field(() => Int)
  totalSteps!: number;

  @Field(() => String, { nullable: true, description: 'Small WebP preview of the first image as a data: URL (null on steps without a preview).' })
  preview!: string | null;
}

@ObjectType({ implements: GenerationEvent, description: 'An image is stored and can be downloaded.' })
export class GenerationImage extends GenerationEvent {
  @Field(() => Image)
  image!: Image;
}

@ObjectType({ implements: GenerationEvent, description: 'All images are stored.' })
export class GenerationCompleted extends GenerationEvent {
  @Field(() => [String])
  warnings!: string[];
}

@ObjectType({ implements: GenerationEvent })
export class GenerationFailed extends GenerationEvent {
  @Field(() => String)
  message!: string;
}

@ObjectType({ implements: GenerationEvent })
export class GenerationCancelled extends GenerationEvent {}

const EVENT_TYPE_NAMES: Record<GenerationEventType, string> = {
  QUEUED: GenerationQueued.name,
  STARTED: GenerationStarted.name,
  STEP: GenerationStep.name,
  IMAGE: GenerationImage.name,
  COMPLETED: GenerationCompleted.name,
  FAILED: GenerationFailed.name,
  CANCELLED: GenerationCancelled.name,
};

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
