-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "lastServedAt" TIMESTAMP(6);
