import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRandom } from '../src/shared/random.ts';

export const benchUnitCount = 200;
const jobTypes = ['cps_caseworker', 'preventive_caseworker', 'foster_care_caseworker', 'adoption_caseworker', 'homefinder', 'clerk'];
const header = 'external_id,login_id,first_name,last_name,email,unit_code,job_type,supervisor_external_id,enabled,hire_date,termination_date';

export function benchUnitCode(i: number): string {
  return `U${String(i).padStart(3, '0')}`;
}

interface BenchWorker {
  index: number;
  unit: number;
  jobType: string;
  enabled: boolean;
  firstName: string;
}

/** Worker i: the first worker of each unit supervises it; unit supervisors report to worker 0. */
function workerAt(i: number, random: ReturnType<typeof createRandom>): BenchWorker {
  const unit = i % benchUnitCount;
  const isSupervisor = i < benchUnitCount;
  return { index: i, unit, jobType: i === 0 ? 'director' : isSupervisor ? 'cps_supervisor' : random.pick(jobTypes), enabled: true, firstName: `F${random.int(0, 9999)}` };
}

function line(w: BenchWorker): string {
  const id = `E${w.index}`;
  const supervisor = w.index === 0 ? '' : w.index < benchUnitCount ? 'E0' : `E${w.unit}`;
  return [
    id, `w${w.index}`, w.firstName, `Last${w.index}`, `w${w.index}@bench.example`,
    benchUnitCode(w.unit), w.jobType, supervisor, w.enabled ? '1' : '0', '2020-01-01', '',
  ].join(',');
}

export interface GeneratedDirectory {
  path: string;
  workers: number;
}

/**
 * Writes a deterministic HR export of `count` workers. With `changePercent`, that share of the
 * directory changes: a third joins, a third moves unit and job, a third leaves (disabled).
 */
export async function writeBenchDirectory(path: string, count: number, options: { seed?: number; changePercent?: number } = {}): Promise<GeneratedDirectory> {
  const random = createRandom(options.seed ?? 7);
  const changeRandom = createRandom((options.seed ?? 7) + 1);
  const changes = Math.floor((count * (options.changePercent ?? 0)) / 100);
  const perKind = Math.floor(changes / 3);
  const out = createWriteStream(path);
  let buffer = `${header}\n`;
  const flush = async () => {
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  const movers = new Set<number>();
  const leavers = new Set<number>();
  while (movers.size < perKind) movers.add(changeRandom.int(benchUnitCount, count - 1));
  while (leavers.size < perKind) {
    const pick = changeRandom.int(benchUnitCount, count - 1);
    if (!movers.has(pick)) leavers.add(pick);
  }
  for (let i = 0; i < count + perKind; i += 1) {
    const worker = workerAt(i, random);
    if (movers.has(i)) {
      worker.unit = (worker.unit + 1) % benchUnitCount;
      worker.jobType = worker.jobType === 'preventive_caseworker' ? 'cps_caseworker' : 'preventive_caseworker';
    }
    if (leavers.has(i)) worker.enabled = false;
    buffer += `${line(worker)}\n`;
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return { path, workers: count + perKind };
}
