#!/usr/bin/env node
import { runCli } from "./main.ts";

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`plystractl: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
