// Public API of @guinav/eval-env; modules are exported here as they land.
export {};
