import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Installs and starts Docker, ZooKeeper and HAProxy and builds the test images, saying what it did. */
export default function globalSetup(): void {
  execFileSync('bash', [path.join(__dirname, '..', '..', 'scripts', 'ensure-services.sh')], { stdio: 'inherit' });
}
