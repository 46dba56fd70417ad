import path from 'node:path';

/**
 * Where a server's library lives under LIBRARY_DIR:
 *   <guildId>/library.json             the guides and settings (the commit point)
 *   <guildId>/guides/<id>.md           each guide as canonical Markdown
 *   <guildId>/index/<book>/<spec>/     one search index per book, named by what it was built from
 *   <guildId>/staging/<import>/        an import in progress (discarded at start-up)
 *   pending/<token>.md|.json           uploads previewed and waiting for Add or Cancel (not a server
 *                                      folder, so never read as part of a library)
 */

const GUILD_ID = /^\d{17,20}$/;

export class LibraryLayout {
  constructor(readonly root: string) {}

  guildDir(guildId: string): string {
    if (!GUILD_ID.test(guildId)) throw new Error(`not a server id: ${guildId}`);
    return path.join(this.root, guildId);
  }

  stateFile(guildId: string): string {
    return path.join(this.guildDir(guildId), 'library.json');
  }

  guidesDir(guildId: string): string {
    return path.join(this.guildDir(guildId), 'guides');
  }

  guideFile(guildId: string, guideId: string): string {
    return path.join(this.guidesDir(guildId), `${guideId}.md`);
  }

  indexRoot(guildId: string): string {
    return path.join(this.guildDir(guildId), 'index');
  }

  bookIndexRoot(guildId: string, slug: string): string {
    return path.join(this.indexRoot(guildId), slug);
  }

  bookIndexDir(guildId: string, slug: string, specHash: string): string {
    return path.join(this.bookIndexRoot(guildId, slug), specHash.slice(0, 16));
  }

  stagingRoot(guildId: string): string {
    return path.join(this.guildDir(guildId), 'staging');
  }

  /** Uploads previewed and waiting for Add or Cancel, of every server. */
  pendingDir(): string {
    return path.join(this.root, 'pending');
  }

  /** Every server folder present. */
  static isGuildId(name: string): boolean {
    return GUILD_ID.test(name);
  }
}
