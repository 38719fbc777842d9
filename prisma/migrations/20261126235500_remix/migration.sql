-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "remixOfImageId" TEXT,
ADD COLUMN     "usedInitImage" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "usedMask" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Generation_remixOfImageId_idx" ON "Generation"("remixOfImageId");

-- AddForeignKey
ALTER TABLE "Generation" ADD CONSTRAINT "Generation_remixOfImageId_fkey" FOREIGN KEY ("remixOfImageId") REFERENCES "Image"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Backfill: generations made so far that still point at their init image or mask.
UPDATE "Generation" SET "usedInitImage" = true WHERE "initImageId" IS NOT NULL OR "initUploadId" IS NOT NULL;
UPDATE "Generation" SET "usedMask" = true WHERE "maskUploadId" IS NOT NULL;
