-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "thumbnailPath" TEXT,
ADD COLUMN     "thumbnailSha256" TEXT;

-- AlterTable
ALTER TABLE "Upload" ADD COLUMN     "thumbnailPath" TEXT,
ADD COLUMN     "thumbnailSha256" TEXT;
