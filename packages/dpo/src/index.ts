// Public API of @guinav/dpo; modules are exported here as they land.
export {};
