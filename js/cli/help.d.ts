/** The overview page. */
export function overview(): string;
/** A command's page, or the overview for an unknown one. @param {string} command */
export function commandHelp(command: string): string;
