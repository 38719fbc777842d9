-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "maskUploadId" TEXT;

-- CreateIndex
CREATE INDEX "Generation_maskUploadId_idx" ON "Generation"("maskUploadId");

-- AddForeignKey
ALTER TABLE "Generation" ADD CONSTRAINT "Generation_maskUploadId_fkey" FOREIGN KEY ("maskUploadId") REFERENCES "Upload"("id") ON DELETE SET NULL ON UPDATE CASCADE;
