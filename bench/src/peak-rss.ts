import { readFileSync } from "node:fs";

const MB = 1024 * 1024;

/**
 * This process's peak RSS in MB. On Linux, `VmHWM` of /proc/self/status: the high-water mark of
 * this process's own memory. Not `process.resourceUsage().maxRSS`: Linux keeps that across
 * `execve`, so a child forked by a bench parent that is already large reports the parent's peak.
 * Elsewhere, `maxRSS` (kilobytes).
 */
export function peakRssMb(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return (Number(match[1]) * 1024) / MB;
  } catch {
    // Not Linux: fall back below.
  }
  return (process.resourceUsage().maxRSS * 1024) / MB;
}
