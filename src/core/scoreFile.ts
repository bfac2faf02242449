/**
 * The scoring use case, shared by the editor's Score command and the command line: a parsed
 * responses file and the eval to score it against → the submission (with a run name no other
 * submission carries) → the scored run, matched to the file's entries.
 *
 * Callers own what is theirs: reading the file, choosing the eval, consent, progress UI, and what
 * happens to the result (run store and views, or a report on stdout).
 */
import type { RunResult } from './results';
import { ResponsesFileError, toScoreRequest, type ResponsesFile } from './responsesFile';
import { scoreRun, uniqueRunName, type ScoreRunOptions } from './scoring';
import { localPaths, uploadLocalFiles, type LocalFilesOptions } from './files/prepare';

export interface Submission {
  /** The run's unique name: after a lost reply the run is found by it. */
  name: string;
  eval_uuid: string;
  responses: number;
}

export interface ScoreFileOptions extends Omit<ScoreRunOptions, 'request' | 'entries'> {
  file: ResponsesFile;
  /** The eval to score against (the file's own `eval_uuid` when given). */
  evalUuid: string;
  /** The file's name: the run name's prefix when the file names no run. */
  fileName: string;
  /** Only the entries with these keys (prompt, thread, turn) are sent; default every entry. */
  only?: ReadonlySet<string>;
  /**
   * Called once the submission is prepared (workspace files uploaded) and before it is sent. A caller that must find
   * the run again after a reload (the editor) persists `name` here; the request waits for it.
   */
  beforeSubmit?: (submission: Submission) => void | Promise<void>;
  /**
   * Where responses naming a workspace file (`{"local_file_path"}`) find it and what they upload
   * it with (core/files/prepare.ts). Without it, such a file is refused and nothing is sent.
   */
  localFiles?: Omit<LocalFilesOptions, 'client' | 'signal' | 'onProgress'>;
}

/** Score a responses file that parsed without errors (throws ResponsesFileError otherwise; nothing is sent). */
export async function scoreFile(o: ScoreFileOptions): Promise<RunResult> {
  const { file, evalUuid, fileName, beforeSubmit, only, localFiles: _files, ...run } = o;
  const request = toScoreRequest(file, evalUuid);
  const entries = only ? file.entries.filter((e) => only.has(e.key)) : file.entries;
  if (!entries.length) throw new ResponsesFileError('None of the chosen responses is in the file any more, so nothing was sent. Score the whole file.');
  if (only) request.responses = entries.map((e) => e.response);
  // Always unique: a lost reply is recovered by looking the run up by this name, and a name the
  // file gives may already belong to an earlier run, which must never be adopted as this one.
  request.name = uniqueRunName(request.name || fileName || 'responses');
  if (localPaths(request.responses).length) {
    if (!o.localFiles) throw new ResponsesFileError('Some responses name a workspace file ("local_file_path"), which can only be uploaded from a workspace folder. Open the folder that holds the responses file and score again. Nothing was sent.');
    const { responses } = await uploadLocalFiles(request.responses, {
      ...o.localFiles,
      client: run.client,
      signal: run.signal,
      // Bytes and files are in the message: a done/total here would fill the progress bar before the run starts.
      onProgress: (p) => run.onProgress?.({ stage: 'uploading', message: p.message }),
    });
    request.responses = responses;
  }
  // The local path is never sent: every one must have become an uploaded file's id by now.
  if (localPaths(request.responses).length) throw new ResponsesFileError('A workspace file was not uploaded; nothing was sent.');
  // The caller saves the run's name while the request body is built; the request waits for it.
  const saved = Promise.resolve(beforeSubmit?.({ name: request.name, eval_uuid: request.eval_uuid, responses: request.responses.length }));
  saved.catch(() => undefined);
  // One turn of the event loop, so the save's I/O is under way before building the body holds
  // the thread (about 0.1 s at 10,000 responses).
  await new Promise<void>((resolve) => setImmediate(resolve));
  return scoreRun({ ...run, request, entries, beforeSend: saved });
}
