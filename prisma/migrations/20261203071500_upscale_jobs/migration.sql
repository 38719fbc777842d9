-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "upscale" JSONB;
