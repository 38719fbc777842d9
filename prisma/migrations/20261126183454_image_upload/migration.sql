-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "initUploadId" TEXT;

-- CreateTable
CREATE TABLE "Upload" (
    "id" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Upload_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Upload_sha256_idx" ON "Upload"("sha256");

-- CreateIndex
CREATE INDEX "Generation_initUploadId_idx" ON "Generation"("initUploadId");

-- AddForeignKey
ALTER TABLE "Generation" ADD CONSTRAINT "Generation_initUploadId_fkey" FOREIGN KEY ("initUploadId") REFERENCES "Upload"("id") ON DELETE SET NULL ON UPDATE CASCADE;
