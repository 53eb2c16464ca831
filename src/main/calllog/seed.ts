import type { Database as Connection } from 'better-sqlite3-multiple-ciphers';
import type { LoggedOutcome } from '../../shared/contract/calllog';
import type { IntakeValues } from '../../shared/intake/form';
import { DEFAULT_INTAKE_FORM } from '../intake/default-form';
import { formHash, splitAnswers } from './intakes';
import { nameKey, nameKeyLastFirst } from './names';
import { searchDigits } from './numbers';

/**
 * Synthetic calls for demos and benchmarks: German names and numbers, office hours, a realistic
 * mix of outcomes. Deterministic for a given seed (mulberry32), so a bench run can be repeated.
 * Never real people: the names are common ones, the numbers from ranges in ordinary use.
 */
const FIRST_NAMES = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Elena',
  'Felix',
  'Greta',
  'Hannah',
  'Ida',
  'Jonas',
  'Karin',
  'Lukas',
  'Marie',
  'Noah',
  'Olga',
  'Paul',
  'Petra',
  'Rainer',
  'Sabine',
  'Thomas',
  'Ursula',
  'Viktor',
  'Wolfgang',
  'Yvonne',
  'Zoe',
  'Erika',
  'Jürgen',
  'Özlem',
  'Mehmet',
  'Sophie',
  'Emil',
  'Lina',
  'Matthias',
  'Helga',
];
const LAST_NAMES = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Schäfer',
  'Koch',
  'Bauer',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hofmann',
  'Hartmann',
  'Lange',
  'Schmitt',
  'Werner',
  'Krause',
  'Meier',
  'Lehmann',
  'Yılmaz',
  'Kaya',
  'Nowak',
  'Kowalski',
  'Mustermann',
];
const AREA_CODES = ['30', '40', '89', '221', '69', '711', '211', '341', '351', '511', '231', '421', '911', '6221'];
const MOBILE_CODES = ['151', '152', '160', '162', '170', '171', '176', '177'];
const OUTCOMES: readonly [LoggedOutcome, number][] = [
  ['answered', 0.72],
  ['missed', 0.14],
  ['busy', 0.05],
  ['rejected', 0.02],
  ['failed', 0.03],
  ['dropped', 0.02],
  ['interrupted', 0.02],
];

const TOWNS: readonly [string, string][] = [
  ['51147', 'Köln'],
  ['53111', 'Bonn'],
  ['10115', 'Berlin'],
  ['20095', 'Hamburg'],
  ['80331', 'München'],
  ['01067', 'Dresden'],
  ['04109', 'Leipzig'],
  ['42103', 'Wuppertal'],
  ['52062', 'Aachen'],
  ['45127', 'Essen'],
];
const STREETS = ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Lindenallee', 'Schulstraße', 'Am Markt', 'Kirchgasse'];
const NOTES = [
  'Rückruf erbeten, nur vormittags erreichbar',
  'Fieber seit gestern, Hausarzt nicht erreichbar',
  'Kind in der Kita positiv getestet',
  'Fragt nach Testergebnis vom Montag',
  'Reiserückkehrer, kein Arbeitgeberattest',
  'Pflegekraft, Dienstbeginn morgen früh',
  'Schwerhörig, bitte langsam sprechen',
  'Termin mit Dolmetscher (Türkisch) gewünscht',
];
const OTHER_CALL_TYPES = ['silent', 'hang_up', 'information', 'information', 'wrong_number', 'emergency_112'];
const SYMPTOMS = ['fever', 'cough', 'sore_throat', 'breathing', 'smell_taste'];
const TRIAGE = ['test_appointment', 'test_appointment', 'self_isolation', 'see_gp', 'no_action', 'emergency'];

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const digits = (random: () => number, count: number): string =>
  Array.from({ length: count }, () => Math.floor(random() * 10)).join('');

export interface SeedRow {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly number: string | null;
  readonly digits: string | null;
  readonly name: string | null;
  readonly anonymous: 0 | 1;
  readonly agent: string;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number;
  readonly talkMs: number | null;
  readonly holdMs: number;
  readonly outcome: LoggedOutcome;
  readonly endedBy: 'local' | 'remote' | 'network' | 'transfer';
  readonly rttMs: number | null;
  readonly jitterMs: number | null;
  readonly lossPercent: number | null;
  readonly mos: number | null;
  readonly packetsReceived: number | null;
  /** The intake of an answered call: most are data calls (the default form's answers). */
  readonly intake: IntakeValues | null;
  readonly wrapUpMs: number | null;
}

function isoDay(at: number): string {
  const date = new Date(at);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** What an agent would have entered for a call: a data call's answers, or just its call type. */
function syntheticIntake(
  random: () => number,
  call: { number: string | null; name: string | null; startedAt: number },
): IntakeValues {
  if (random() < 0.3) return { callType: pick(random, OTHER_CALL_TYPES) };
  const [postcode, city] = pick(random, TOWNS);
  const symptoms = SYMPTOMS.filter(() => random() < 0.35);
  const triage = pick(random, TRIAGE);
  const birth = new Date(1935 + Math.floor(random() * 85), Math.floor(random() * 12), 1 + Math.floor(random() * 28));
  const values: IntakeValues = {
    callType: 'data_call',
    name: call.name ?? `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`,
    birthDate: isoDay(birth.getTime()),
    sex: pick(random, ['female', 'male', 'female', 'male', 'diverse', 'not_stated']),
    street: `${pick(random, STREETS)} ${1 + Math.floor(random() * 120)}`,
    postcode,
    city,
    contactWithCase: pick(random, ['yes', 'no', 'unknown']),
    travelRiskArea: pick(random, ['no', 'no', 'yes', 'unknown']),
    worksInCare: pick(random, ['no', 'no', 'yes', 'unknown']),
    riskGroup: pick(random, ['no', 'yes', 'unknown']),
    triage,
    privacyNotice: 'yes',
  };
  if (call.number !== null) values.phone = `+${searchDigits(call.number)}`;
  if (symptoms.length > 0) {
    values.symptoms = symptoms;
    values.symptomOnset = isoDay(call.startedAt - Math.floor(random() * 7) * 86_400_000);
  }
  if (triage === 'test_appointment') {
    values.appointmentDate = isoDay(call.startedAt + (1 + Math.floor(random() * 3)) * 86_400_000);
    values.appointmentSlot = pick(random, ['08-10', '10-12', '12-14', '14-16', '16-18']);
    values.appointmentSite = pick(random, ['stadium', 'health_office', 'home_visit']);
  }
  if (random() < 0.4) values.note = pick(random, NOTES);
  return values;
}

/** The `index`-th synthetic call of a seeded series, starting within `days` before `now`. */
/**
 * One synthetic call. Calls are numbered in the order they started, as a real log grows: call
 * `index` of `count` falls on its share of the `days` (office hours, 08:00 to 20:00 local time).
 */
export function syntheticCall(random: () => number, index: number, now: number, days: number, count: number): SeedRow {
  const anonymous = random() < 0.03;
  const mobile = random() < 0.4;
  const number = anonymous
    ? null
    : mobile
      ? `+49 ${pick(random, MOBILE_CODES)} ${digits(random, 7 + Math.floor(random() * 2))}`
      : `+49 ${pick(random, AREA_CODES)} ${digits(random, 6 + Math.floor(random() * 3))}`;
  const name = anonymous || random() < 0.25 ? null : `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
  let roll = random();
  let outcome: LoggedOutcome = 'answered';
  for (const [candidate, share] of OUTCOMES) {
    if (roll < share) {
      outcome = candidate;
      break;
    }
    roll -= share;
  }
  const position = ((index + random()) / count) * days;
  const dayOffset = Math.min(days - 1, Math.floor(position));
  const day = new Date(now - (days - 1 - dayOffset) * 86_400_000);
  day.setHours(8, 0, 0, 0);
  let startedAt = day.getTime() + Math.floor((position - dayOffset) * 12 * 3_600_000);
  // Today's calls are in the past: a time still to come is the day before's.
  if (startedAt > now - 3_600_000) startedAt -= 86_400_000;
  const ringMs = 2_000 + Math.floor(random() * 25_000);
  const talked = outcome === 'answered' || outcome === 'dropped' || outcome === 'interrupted';
  const talkMs = talked ? Math.floor(-Math.log(1 - random()) * 240_000) + 5_000 : null;
  const holdMs = talked && random() < 0.15 ? Math.floor(random() * 90_000) : 0;
  const answeredAt = talked ? startedAt + ringMs : null;
  const endedAt = answeredAt !== null ? answeredAt + (talkMs ?? 0) + holdMs : startedAt + ringMs;
  const rtt = talked ? 20 + Math.floor(random() * 120) : null;
  const jitter = talked ? 1 + Math.floor(random() * 25) : null;
  const loss = talked ? Math.round(random() * random() * 40) / 10 : null;
  const intake = outcome === 'answered' && random() < 0.8 ? syntheticIntake(random, { number, name, startedAt }) : null;
  return {
    intake,
    wrapUpMs: outcome === 'answered' ? Math.floor(random() * 30_000) : null,
    id: `seed-${index.toString(36).padStart(8, '0')}`,
    direction: random() < 0.85 ? 'inbound' : 'outbound',
    number,
    digits: number === null ? null : searchDigits(number),
    name,
    anonymous: anonymous ? 1 : 0,
    agent: `HL-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}`,
    startedAt,
    answeredAt,
    endedAt,
    talkMs,
    holdMs,
    outcome,
    endedBy: outcome === 'dropped' || outcome === 'failed' ? 'network' : random() < 0.5 ? 'local' : 'remote',
    rttMs: rtt,
    jitterMs: jitter,
    lossPercent: loss,
    mos: talked ? Math.round((4.4 - (rtt ?? 0) / 400 - (loss ?? 0) * 0.15) * 100) / 100 : null,
    packetsReceived: talked ? Math.floor(((talkMs ?? 0) + holdMs) / 20) : null,
  };
}

/**
 * Inserts `count` synthetic calls in transactions of `batch`; `committed` hears the running total
 * after each commit (what a crash can no longer take away).
 */
export function seedCalls(
  db: Connection,
  options: {
    count: number;
    seed: number;
    now: number;
    days?: number;
    batch?: number;
    committed?: (total: number) => void;
  },
): number {
  const random = mulberry32(options.seed);
  const insert = db.prepare(
    `INSERT OR REPLACE INTO calls (id, direction, remote_number, number_digits, remote_name, name_key, name_key_last,
       anonymous, agent_code, started_at, answered_at, ended_at, talk_ms, hold_ms, outcome, ended_by, rtt_ms, jitter_ms,
       loss_percent, mos, packets_received, wrap_up_ms, disposition, updated_at)
     VALUES (@id, @direction, @number, @digits, @name, @nameKey, @nameKeyLast, @anonymous, @agent, @startedAt,
       @answeredAt, @endedAt, @talkMs, @holdMs, @outcome, @endedBy, @rttMs, @jitterMs, @lossPercent, @mos,
       @packetsReceived, @wrapUpMs, @disposition, @endedAt)`,
  );
  const insertIntake = db.prepare(
    `INSERT INTO intakes (call_id, started_at, name_key, name_key_last, phone_digits, form_id, form_version,
       form_hash, state, personal_json, other_json, problems_json, created_at, updated_at, submitted_at)
     VALUES (@id, @startedAt, @nameKey, @nameKeyLast, @phoneDigits, @formId, @formVersion, @formHash, 'submitted',
       @personal, @other, '[]', @endedAt, @submittedAt, @submittedAt)`,
  );
  const insertSearch = db.prepare(
    `INSERT INTO intake_search (rowid, text) VALUES ((SELECT rowid FROM calls WHERE id = ?), ?)`,
  );
  // Seeding again over the same ids replaces those calls: their intakes and index entries go first.
  const dropSearch = db.prepare('DELETE FROM intake_search WHERE rowid = (SELECT rowid FROM calls WHERE id = ?)');
  const dropIntake = db.prepare('DELETE FROM intakes WHERE call_id = ?');
  const form = DEFAULT_INTAKE_FORM;
  const batch = options.batch ?? 5_000;
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let index = from; index < to; index += 1) {
      const call = syntheticCall(random, index, options.now, options.days ?? 90, options.count);
      dropSearch.run(call.id);
      dropIntake.run(call.id);
      insert.run({
        ...call,
        nameKey: call.name === null ? null : nameKey(call.name),
        nameKeyLast: call.name === null ? null : nameKeyLastFirst(call.name),
        disposition: call.intake?.callType ?? null,
      });
      if (call.intake === null) continue;
      const answers = splitAnswers(form, call.intake);
      insertIntake.run({
        id: call.id,
        startedAt: call.startedAt,
        nameKey: answers.name === null ? null : nameKey(answers.name),
        nameKeyLast: answers.name === null ? null : nameKeyLastFirst(answers.name),
        phoneDigits: answers.phoneDigits,
        formId: form.id,
        formVersion: form.version,
        formHash: formHash(form),
        personal: JSON.stringify(answers.personal),
        other: JSON.stringify(answers.other),
        endedAt: call.endedAt,
        submittedAt: call.endedAt + (call.wrapUpMs ?? 0),
      });
      if (answers.text !== '') insertSearch.run(call.id, answers.text);
    }
  });
  for (let from = 0; from < options.count; from += batch) {
    const to = Math.min(options.count, from + batch);
    insertBatch(from, to);
    options.committed?.(to);
  }
  db.pragma('optimize');
  return options.count;
}
