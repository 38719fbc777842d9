-- CreateEnum
CREATE TYPE "PreviewMethod" AS ENUM ('LATENT2RGB', 'TAESD');

-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "previewMethod" "PreviewMethod" NOT NULL DEFAULT 'LATENT2RGB';
