-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "denoisingStrength" DOUBLE PRECISION NOT NULL DEFAULT 0.75,
ADD COLUMN     "initImageId" TEXT;

-- CreateIndex
CREATE INDEX "Generation_initImageId_idx" ON "Generation"("initImageId");

-- AddForeignKey
ALTER TABLE "Generation" ADD CONSTRAINT "Generation_initImageId_fkey" FOREIGN KEY ("initImageId") REFERENCES "Image"("id") ON DELETE SET NULL ON UPDATE CASCADE;
