-- CreateTable
CREATE TABLE "PromptUse" (
    "promptId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "useCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromptUse_pkey" PRIMARY KEY ("promptId","ownerId")
);

-- CreateIndex
CREATE INDEX "PromptUse_ownerId_idx" ON "PromptUse"("ownerId");

-- AddForeignKey
ALTER TABLE "PromptUse" ADD CONSTRAINT "PromptUse_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptUse" ADD CONSTRAINT "PromptUse_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Backfill: each account's uses so far are its generations of the prompt (a use is counted when a job is
-- queued or a picture imported, and taken back when the generation is deleted).
INSERT INTO "PromptUse" ("promptId", "ownerId", "useCount", "createdAt", "lastUsedAt")
SELECT g."promptId", g."ownerId", count(*)::int, min(g."createdAt"), max(g."createdAt")
FROM "Generation" g
GROUP BY g."promptId", g."ownerId";

-- A prompt an account only imported as a CSV preset is in its library without a use.
INSERT INTO "PromptUse" ("promptId", "ownerId", "useCount", "createdAt", "lastUsedAt")
SELECT pp."promptId", pp."ownerId", 0, min(pp."createdAt"), min(pp."createdAt")
FROM "PromptPreset" pp
GROUP BY pp."promptId", pp."ownerId"
ON CONFLICT ("promptId", "ownerId") DO NOTHING;
