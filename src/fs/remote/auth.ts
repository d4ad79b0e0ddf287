// The client's side of the goblin-hmac-sha256 exchange (ninep/auth.ts): Tauth,
// read the challenge, write the proof; the afid it answers goes into Tattach.
// A server that needs no authentication says so to Tauth (ENOENT in
// 9P2000.L; an Rerror in the others) and the attach goes without an afid.

import { GoblinError } from '../../error.ts';
import { NOFID, NONUNAME } from '../../ninep/consts.ts';
import { parseChallenge, proof, proofText } from '../../ninep/auth.ts';
import type { Client } from './client.ts';

/** Proves the token for (uname, aname) on a new afid; answers the afid, or NOFID if the server needs none. */
export async function authenticate(client: Client, token: Uint8Array, uname: string, aname: string, uid?: number): Promise<number> {
  const afid = client.newFid();
  try {
    await client.rpc({ kind: 'Tauth', afid, uname, aname, n_uname: uid ?? NONUNAME });
  } catch (e) {
    client.freeFid(afid);
    // an error reply says "not required" (in words that vary): the attach without an afid tells
    if (!client.lostError) return NOFID;
    throw e;
  }
  try {
    const r = await client.rpc({ kind: 'Tread', fid: afid, offset: 0n, count: 256 });
    const mac = await proof(token, parseChallenge(r.data), uname, aname);
    await client.rpc({ kind: 'Twrite', fid: afid, offset: 0n, data: proofText(mac) });
    return afid;
  } catch (e) {
    client.clunk(afid);
    throw e instanceof GoblinError ? new GoblinError(e.errno, `9P auth: ${e.message.replace(/^9P auth: /, '')}`) : e;
  }
}
