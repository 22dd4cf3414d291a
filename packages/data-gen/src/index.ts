// Public API of @guinav/data-gen; modules are exported here as they land.
export {};
