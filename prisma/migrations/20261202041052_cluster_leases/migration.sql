-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "claimedBy" TEXT;
