// Jest's workers run the tests with the V8 tiering of aiready's own processes (v8-tiering.ts), set as
// each test file starts (the first one of a worker sets it for the process): the suite is thousands of
// short tests, much like a synth, and took about 9 % less CPU with it.
import { tuneTiering } from '../../packages/cli/src/v8-tiering';

tuneTiering();
