/** Placeholder replaced once the OpenAPI spec lands: validates responses against it. */
export function checkResponseAgainstSpec(
  _method: string,
  _path: string,
  _res: { status: number; body: unknown },
): void {}
