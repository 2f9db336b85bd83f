export function LogSearchSection() { return null; }
