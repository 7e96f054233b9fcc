// The session's tasks over HTTP (`GET /api/sessions/<id>/tasks?format=json`), so the my-tasks page
// can show them before the live document's code has arrived. Only that page loads this module.
import { tasksExportSchema, type TasksExport } from '@sandbox/shared'
import { request } from '../lib/api.ts'

export const fetchTasksSnapshot = (sessionId: string, token: string): Promise<TasksExport> =>
  request(tasksExportSchema, `/api/sessions/${encodeURIComponent(sessionId)}/tasks?format=json`, { token })
