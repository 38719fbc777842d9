-- CreateIndex
CREATE INDEX "Image_path_idx" ON "Image"("path");

-- CreateIndex
CREATE INDEX "Image_thumbnailPath_idx" ON "Image"("thumbnailPath");

-- CreateIndex
CREATE INDEX "Upload_path_idx" ON "Upload"("path");

-- CreateIndex
CREATE INDEX "Upload_thumbnailPath_idx" ON "Upload"("thumbnailPath");
