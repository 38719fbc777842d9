-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "notBefore" TIMESTAMP(3);
