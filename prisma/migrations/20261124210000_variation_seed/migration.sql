-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "variationSeed" DECIMAL(20,0),
ADD COLUMN     "variationStrength" DOUBLE PRECISION NOT NULL DEFAULT 0;
