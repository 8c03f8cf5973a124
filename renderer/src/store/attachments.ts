// Files chosen for a room and not yet sent (the preview strip above the composer), and the image viewer.
import type { StateCreator } from 'zustand';
import type { ErrorCode } from '../../../protocol/errors.js';
import type { Upload } from '../../../protocol/types.js';
import type { AppState } from './index.js';

export interface StagedFile {
  id: string;
  roomId: number;
  name: string;
  size: number;
  /** An object URL of the local file, for an image's preview; null for other files. */
  previewUrl: string | null;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  error?: ErrorCode | 'NETWORK';
  upload?: Upload;
}

export interface AttachmentsSlice {
  attachments: {
    staged: Record<number, StagedFile[]>;
    /** The image message shown full size, if any. */
    viewer: { roomId: number; messageId: number } | null;
  };
  stageFile(file: StagedFile): void;
  patchStaged(roomId: number, id: string, patch: Partial<StagedFile>): void;
  unstage(roomId: number, id: string): void;
  openViewer(viewer: { roomId: number; messageId: number } | null): void;
}

export const createAttachmentsSlice: StateCreator<AppState, [], [], AttachmentsSlice> = (set) => ({
  attachments: { staged: {}, viewer: null },
  stageFile: (file) =>
    set((st) => ({
      attachments: {
        ...st.attachments,
        staged: { ...st.attachments.staged, [file.roomId]: [...(st.attachments.staged[file.roomId] ?? []), file] },
      },
    })),
  patchStaged: (roomId, id, patch) =>
    set((st) => ({
      attachments: {
        ...st.attachments,
        staged: {
          ...st.attachments.staged,
          [roomId]: (st.attachments.staged[roomId] ?? []).map((f) => (f.id === id ? { ...f, ...patch } : f)),
        },
      },
    })),
  unstage: (roomId, id) =>
    set((st) => ({
      attachments: {
        ...st.attachments,
        staged: { ...st.attachments.staged, [roomId]: (st.attachments.staged[roomId] ?? []).filter((f) => f.id !== id) },
      },
    })),
  openViewer: (viewer) => set((st) => ({ attachments: { ...st.attachments, viewer } })),
});

const NONE: StagedFile[] = [];
export const selectStaged = (roomId: number) => (s: AppState) => s.attachments.staged[roomId] ?? NONE;
export const selectViewer = (s: AppState) => s.attachments.viewer;
