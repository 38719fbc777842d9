/** Bringing pictures and prompts made elsewhere into the library, and writing the library out. */
export { FileImporter, ImportRejectedError, type ImportReport, type ImportedItem, type SkippedItem, type ImportProgress } from './file-importer.js';
export { LibraryImporter, ALREADY_IN_LIBRARY, type GenerationImport, type ImportedImage } from './library-importer.js';
export { LibraryExporter, type ExportResult } from './library-exporter.js';
export { EXPORT_FILE } from './export-format.js';
export { readPngParameters, RECOGNISED_METADATA } from './png-metadata.js';
export { readPngText, isPng, NotPngError } from './png-text.js';
export { SamplerNames, type SamplerNaming } from './sampler-names.js';
export { METADATA_FORMATS, type ImportedParameters, type MetadataFormat } from './parameters.js';
