/**
 * Windows system folders, not taken blindly from the environment: whoever starts the console
 * sets its environment, and a SystemRoot pointing elsewhere would have it run another reg.exe,
 * a ProgramData pointing elsewhere would have it read another policy file. Only the standard
 * form (a drive's \Windows, a drive's \ProgramData) is believed; anything else is the default.
 */
const STANDARD_WINDOWS = /^[A-Za-z]:\\Windows$/i;
const STANDARD_PROGRAM_DATA = /^[A-Za-z]:\\ProgramData$/i;

export function windowsDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.SystemRoot ?? env.windir;
  return given !== undefined && STANDARD_WINDOWS.test(given) ? given : 'C:\\Windows';
}

export function programDataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.ProgramData;
  return given !== undefined && STANDARD_PROGRAM_DATA.test(given) ? given : 'C:\\ProgramData';
}
