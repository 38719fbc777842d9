-- CreateTable
CREATE TABLE "ModelProblem" (
    "model" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "problem" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelProblem_pkey" PRIMARY KEY ("model","nodeId")
);
