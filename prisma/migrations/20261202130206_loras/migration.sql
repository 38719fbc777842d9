-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "loras" JSONB NOT NULL DEFAULT '[]';
