/**
 * Registry of subcommands. Each command file exports `register(program)`; add one line here.
 */
import type { Command } from 'commander';

type Register = (program: Command) => void;

const registrars: Register[] = [];

export function registerCommands(program: Command): void {
  for (const r of registrars) r(program);
}
