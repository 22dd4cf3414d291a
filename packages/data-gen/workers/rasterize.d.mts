/** Renders an SVG document to a PNG file: written to a temp file, then renamed into place. */
export declare function rasterizeSvgToFile(svg: string, file: string): Promise<void>;
