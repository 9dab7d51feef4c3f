// Every integration test file, imported for its side effects (describe/it registrations).
// Add one line per new *.test.ts file; index.ts loads this module after mocha's globals exist.
import './smoke.test';
import './showAttention.test';
import './ownModel.test';
import './exportRoutes.test';
import './editor.test';
import './reliability.test';
import './attentionFile.test';
import './viewWorker.test';
import './honestStates.test';
import './longRun.test';
