// Decorator metadata must exist before the classes below are declared.
import 'reflect-metadata';
// Warns when another copy of the package (the other build, another version) is loaded too.
import '../util/single-copy.js';
export {
  DEFAULT_BALANCE,
  DEFAULT_PRICES,
  FakeWebcomServer,
  FINAL_STATE_BY_ENDING,
  type FakeAccount,
  type FakeChannel,
  type FakeFault,
  type FakeMessage,
  type FakeRequest,
  type FakeWebcomServerOptions,
} from './fake-webcom-server.js';
export { WEBCOM_TESTING_FLASHCALL_CODE } from './simulated-gateway.js';
export { WebcomTestingController, WebcomTestingGateway } from './webcom-testing-gateway.js';
export {
  getWebcomTestingControllerToken,
  getWebcomTestingGatewayToken,
  WebcomTestingModule,
} from './webcom-testing.module.js';
export type * from './webcom-testing.types.js';
