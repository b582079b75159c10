/**
 * An error meant for the person running BotMap: its message says what went wrong and what
 * to do, so entry points print it alone, without a stack trace.
 */
export class BotMapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BotMapError';
  }
}
