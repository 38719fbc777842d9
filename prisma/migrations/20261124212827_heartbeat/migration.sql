-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "heartbeatAt" TIMESTAMP(3);
