import type { GithubBaseline } from 'backstage-plugin-compliance-backend-module-github';
import { baselineFiles, type BaselineFileInputs } from './baselineFiles';
import { explainGithubError, onOff } from './githubReads';
import { rulesetBody, rulesetSettings } from './ruleset';

/** One row of the plan: a setting, its current value and the target. */
export interface PlanEntry {
  setting: string;
  current: string;
  target: string;
  /**
   * unchanged: already at the target; planned: would change (dry run);
   * applied: changed now; failed: GitHub refused (see reason);
   * unread: dry run of a repository that does not exist yet.
   */
  status: 'unchanged' | 'planned' | 'applied' | 'failed' | 'unread';
  reason?: string;
}

/** The plan entries of one baseline area and the write that brings it to the target. */
export interface Step {
  entries: PlanEntry[];
  write(): Promise<void>;
}

/**
 * The entries after a step was planned, written or refused: those that
 * differ from the target take `status` (and the refusal's reason).
 */
function settled(
  entries: PlanEntry[],
  status: 'planned' | 'applied' | 'failed',
  reason?: string,
): PlanEntry[] {
  return entries.map(e =>
    e.current === e.target
      ? { ...e, status: 'unchanged' as const }
      : { ...e, status, ...(reason === undefined ? {} : { reason }) },
  );
}

/**
 * Writes every step that differs from the target; a refused write is
 * reported on its settings and the other steps still run.
 */
export async function applySteps(
  steps: Step[],
  options: { dryRun: boolean },
): Promise<PlanEntry[]> {
  const entries: PlanEntry[] = [];
  for (const step of steps) {
    const differs = step.entries.some(e => e.current !== e.target);
    if (!differs) {
      entries.push(...step.entries);
      continue;
    }
    if (options.dryRun) {
      entries.push(...settled(step.entries, 'planned'));
      continue;
    }
    try {
      await step.write();
      entries.push(...settled(step.entries, 'applied'));
    } catch (error) {
      const reason = explainGithubError(
        error,
        step.entries.map(e => e.setting).join(', '),
      );
      entries.push(...settled(step.entries, 'failed', reason));
    }
  }
  return entries;
}

/** The plan of a repository that does not exist yet (scaffolder dry run). */
export function unreadPlan(
  baseline: GithubBaseline,
  files: BaselineFileInputs,
): PlanEntry[] {
  const entries: PlanEntry[] = [];
  const add = (setting: string, target: string) =>
    entries.push({ setting, current: 'not read', target, status: 'unread' });
  for (const f of baselineFiles(baseline.files, files))
    add(f.setting, 'present');
  const s = baseline.security;
  if (s.secretScanning) add('security.secretScanning', 'on');
  if (s.pushProtection) add('security.pushProtection', 'on');
  if (s.dependabotAlerts) add('security.dependabotAlerts', 'on');
  if (s.dependabotSecurityUpdates)
    add('security.dependabotSecurityUpdates', 'on');
  if (s.codeScanningDefaultSetup)
    add('security.codeScanningDefaultSetup', 'configured');
  if (baseline.workflowPermissions) {
    add('workflowPermissions.defaultWorkflowPermissions', 'read');
    add(
      'workflowPermissions.canApprovePullRequestReviews',
      onOff(baseline.workflowPermissions.canApprovePullRequestReviews),
    );
  }
  if (baseline.ruleset) {
    for (const r of rulesetSettings(undefined, rulesetBody(baseline.ruleset)))
      add(r.setting, r.target);
  }
  return entries;
}
