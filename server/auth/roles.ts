import type { MemberRole } from "@/db/schema/enums";

// What each role may do. Services and tRPC middleware check these, never role names directly.
const rank: Record<MemberRole, number> = { viewer: 0, operator: 1, approver: 2, admin: 3, owner: 4 };

export type Permission = "read" | "operate" | "approve" | "administer";
const needed: Record<Permission, MemberRole> = { read: "viewer", operate: "operator", approve: "approver", administer: "admin" };

export function roleAllows(role: MemberRole, permission: Permission): boolean {
  return rank[role] >= rank[needed[permission]];
}

export function isMemberRole(value: string): value is MemberRole {
  return value in rank;
}
