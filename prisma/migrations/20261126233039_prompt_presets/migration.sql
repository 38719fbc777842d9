-- CreateTable
CREATE TABLE "PromptPreset" (
    "id" TEXT NOT NULL,
    "promptId" TEXT NOT NULL,
    "negativePrompt" TEXT NOT NULL DEFAULT '',
    "seed" DECIMAL(20,0),
    "width" INTEGER,
    "height" INTEGER,
    "steps" INTEGER,
    "guidanceScale" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromptPreset_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PromptPreset_promptId_idx" ON "PromptPreset"("promptId");

-- AddForeignKey
ALTER TABLE "PromptPreset" ADD CONSTRAINT "PromptPreset_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;
