import type { Translation } from './de';

export const en: Translation = {
  app: {
    title: 'Hotline Desk',
    skipToContent: 'Skip to content',
    loading: 'Loading …',
  },
  nav: {
    label: 'Main navigation',
    calls: 'Calls',
    calllog: 'Call log',
    reports: 'Reports',
    settings: 'Settings',
    shortcutHint: 'Shortcuts: Alt+1 to Alt+4',
  },
  status: {
    label: 'Status bar',
    connection: {
      connecting: 'Connecting to the service …',
      open: 'Connected to the service',
      closed: 'No connection to the service – retrying',
    },
    registration: {
      loading: 'Phone: checking status …',
      not_configured: 'Phone: not configured',
      not_registered: 'Phone: not registered ({{server}})',
    },
  },
  calls: {
    title: 'Calls',
    notConfigured: 'No SIP account is set up yet. Your IT sets it up by policy, or it is entered in Settings.',
    notRegistered: 'The SIP account is set up, but the line is not registered. Calls are not possible yet.',
  },
  calllog: {
    title: 'Call log',
    empty: 'The call log is not available in this version yet. No call data is stored.',
  },
  reports: {
    title: 'Reports',
    empty: 'Reports and exports are not available in this version yet.',
  },
  settings: {
    title: 'Settings',
    general: 'General',
    language: 'Interface language',
    languages: { de: 'Deutsch', en: 'English' },
    managed: 'Managed by your organisation',
    saved: 'Saved.',
    account: 'SIP account',
    accountNone: 'No SIP account is set up.',
    accountServers: 'Servers: {{servers}}',
    accountUri: 'Address: {{uri}}',
    security: 'Security',
    secretsProtected: 'Passwords and keys are protected by the operating system ({{backend}}).',
    secretsUnprotected:
      'Warning: passwords and keys are not protected by the operating system (store: {{backend}}). Please contact your IT.',
    problems: 'Notes for IT',
    problemLine: '{{source}} {{file}}, key {{key}}: {{message}}',
    problemSources: { policy: 'Policy', user: 'User settings' },
    wholeFile: '(whole file)',
    about: 'About',
    version: 'Version {{version}} ({{host}}, {{platform}})',
    hosts: { electron: 'desktop app', browser: 'browser host' },
  },
  errors: {
    title: 'Error',
    invalid_input: 'The input is not valid.',
    not_found: 'Not found.',
    locked_by_policy: 'This setting is managed by your organisation.',
    unavailable: 'The service cannot be reached right now.',
    unknown_request: 'The service does not know this request.',
    forbidden: 'This request is not allowed.',
    conflict: 'The request does not fit the current state.',
    internal: 'An internal error occurred.',
    detail: 'Details: {{message}}',
    dismiss: 'Close',
  },
};
