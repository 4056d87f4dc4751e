// One way to show each kind of number and time, so the same value reads the same everywhere.

const notAvailable = 'n/a';

/** A measured value to 4 significant digits ("0.1235", "12.35", "1.235e+6"); n/a when null. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return notAvailable;
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count with thousands separators. */
export function count(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return notAvailable;
  return integerFormat.format(value);
}

/** A proportion as a percentage to 4 significant digits ("12.35 %"). */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return notAvailable;
  return `${num(value * 100)} %`;
}

const dateTimeFormat = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const dateTimeSecondsFormat = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

function parts(format: Intl.DateTimeFormat, date: Date): string {
  const p = Object.fromEntries(format.formatToParts(date).map((x) => [x.type, x.value]));
  const time = p['second'] === undefined ? `${p['hour']}:${p['minute']}` : `${p['hour']}:${p['minute']}:${p['second']}`;
  return `${p['year']}-${p['month']}-${p['day']} ${time}`;
}

/** A time in the browser's zone, "2025-05-01 13:00"; n/a when null. */
export function time(value: string | null | undefined, seconds = false): string {
  if (!value) return notAvailable;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return parts(seconds ? dateTimeSecondsFormat : dateTimeFormat, date);
}

/** An ISO time as the value of a datetime-local input (local time, minutes); empty when invalid. */
export function localInput(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The browser's UTC offset, "UTC+02:00", for the "times are local" note. */
export function zoneLabel(): string {
  const minutes = -new Date().getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** How long from now, "in 3 h", "5 min ago". */
export function relative(value: string | null | undefined, now = Date.now()): string {
  if (!value) return notAvailable;
  const diff = new Date(value).getTime() - now;
  if (!Number.isFinite(diff)) return value;
  const abs = Math.abs(diff);
  const text = abs < 60_000 ? `${Math.round(abs / 1000)} s`
    : abs < 3_600_000 ? `${Math.round(abs / 60_000)} min`
      : abs < 172_800_000 ? `${Math.round(abs / 3_600_000)} h`
        : `${Math.round(abs / 86_400_000)} d`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/** A snake_case wire name for people: "out_of_bounds" → "out of bounds". */
export function words(value: string): string {
  return value.replaceAll('_', ' ');
}
