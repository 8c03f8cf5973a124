// Members of a room, fetched when the room opens and kept current by member events.
import { useEffect, useState } from 'react';
import type { Member } from '../../../../protocol/types.js';
import { useAppStore } from '../../store/index.js';
import { useController } from '../context.js';

export function useMembers(roomId: number): { members: Member[]; reload: () => void } {
  const controller = useController();
  const [members, setMembers] = useState<Member[]>([]);
  const [version, setVersion] = useState(0);
  const usersSeen = useAppStore((s) => s.usersSeen);

  useEffect(() => {
    let live = true;
    const rt = controller.rt;
    if (!rt) return;
    rt.api.members(roomId).then(
      (list) => {
        if (!live) return;
        setMembers(list);
        usersSeen(list.map((m) => m.user)); // fresh from the server: names shown through the overlay follow
        controller.seedReceipts(roomId, list);
      },
      () => undefined,
    );
    const offs = [
      rt.on('room:member-joined', (p) => {
        if (p.roomId !== roomId) return;
        setMembers((list) => [
          ...list.filter((m) => m.user.id !== p.user.id),
          { user: p.user, role: p.role, joinedAt: new Date().toISOString(), lastReadSeq: 0 },
        ]);
      }),
      rt.on('room:member-left', (p) => {
        if (p.roomId === roomId) setMembers((list) => list.filter((m) => m.user.id !== p.userId));
      }),
      rt.on('room:member-updated', (p) => {
        if (p.roomId === roomId) setMembers((list) => list.map((m) => (m.user.id === p.userId ? { ...m, role: p.role } : m)));
      }),
    ];
    return () => {
      live = false;
      for (const off of offs) off();
    };
  }, [controller, roomId, version, usersSeen]);

  return { members, reload: () => setVersion((v) => v + 1) };
}
