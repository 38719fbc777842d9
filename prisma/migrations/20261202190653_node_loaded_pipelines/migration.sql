-- CreateTable
CREATE TABLE "NodeLoadedPipelines" (
    "nodeId" TEXT NOT NULL,
    "workers" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NodeLoadedPipelines_pkey" PRIMARY KEY ("nodeId")
);
