export { type RunningCompound, SIM_TICK_MS, type StartCompoundOptions, startCompound } from './compound.ts'
export {
  type Config,
  DEFAULT_MQTT_URL,
  type FaultAssignment,
  faultAssignmentErrors,
  loadConfig,
  parseFaults,
} from './config.ts'
export { createDeviceClient, type DeviceClient, type DeviceClientOptions } from './device-client.ts'
export type {
  AnyModelEvent,
  DeviceTick,
  ModelEvent,
  StepResult,
} from './devices/device-model.ts'
export {
  initialPanel,
  type PanelEnvironment,
  type PanelState,
  type PanelStep,
  panelOutput,
  type Supply,
  stepBusVoltage,
  stepPanel,
} from './devices/electrical-panel.ts'
export {
  type CompoundEnvironment,
  compoundEnvironment,
  electricalLoadAt,
  trafficInAt,
  trafficOutAt,
  waterDemandAt,
} from './devices/environment.ts'
export {
  FAULT_NAMES,
  FAULTS,
  type FaultName,
  type FaultSpec,
  faultsFor,
  isFaultName,
  type ModelFault,
} from './devices/faults.ts'
export { type FireAlarmPanelState, initialFireAlarmPanel, stepFireAlarmPanel } from './devices/fire-alarm-panel.ts'
export {
  FIRE_MAINS,
  type FireMain,
  type FireWaterEnvironment,
  type FireWaterState,
  initialFireWater,
  stepFireWater,
} from './devices/fire-water.ts'
export { commandGate, type GateEnvironment, type GateState, initialGate, stepGate } from './devices/gate.ts'
export {
  initialPatrolCheckpoint,
  type PatrolCheckpointState,
  type PatrolEnvironment,
  stepPatrolCheckpoint,
} from './devices/patrol-checkpoint.ts'
export { createFleet, randomPlate, type Vehicle } from './devices/plates.ts'
export {
  commandPump,
  initialPump,
  PUMP_ROLES,
  type PumpDrive,
  type PumpEnvironment,
  type PumpRole,
  type PumpState,
  stepPump,
} from './devices/pump.ts'
export {
  type BoosterSetParams,
  type BoosterSetState,
  initialBoosterSet,
  jockeyShouldRun,
  stepBoosterSet,
} from './devices/pump-set.ts'
export { initialRoomEnvironment, type RoomEnvironmentState, stepRoomEnvironment } from './devices/room-environment.ts'
export {
  INLET_CLOSE_AT_PCT,
  INLET_OPEN_BELOW_PCT,
  initialWaterTank,
  stepWaterTank,
  type WaterTankEnvironment,
  type WaterTankState,
} from './devices/water-tank.ts'
export { checkManifest, DEMO_MANIFEST_PATH, loadManifest, type ManifestCheck } from './manifest.ts'
export { createRandom, deriveSeed, type Random } from './random.ts'
export { type CommandResult, createSimulation, type Simulation } from './simulation.ts'
