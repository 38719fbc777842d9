-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "nsfw" BOOLEAN NOT NULL DEFAULT false;
