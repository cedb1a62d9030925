// Drives the EC2 emulator with the AWS SDK for JavaScript v3 (an independent client) to
// prove the wire format is the real one: SigV4 signing, the ec2 and query protocols, XML
// parsing, typed errors. Run by sdk_js_test.cc:
//   node sdk_wire_test.mjs <endpoint> <access key> <secret> <admin token>
// Exits non-zero (with the failed assertion) when anything differs.
import assert from 'node:assert/strict';
import {
  EC2Client, RunInstancesCommand, DescribeInstancesCommand, TerminateInstancesCommand, CreateTagsCommand,
  CreateFleetCommand, DescribeSpotPriceHistoryCommand, DescribeImagesCommand, paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import {
  AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';

const [endpoint, accessKeyId, secretAccessKey, adminToken] = process.argv.slice(2);
assert.ok(endpoint && accessKeyId && secretAccessKey && adminToken, 'usage: endpoint key secret admin-token');
const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 };
const ec2 = new EC2Client(config);
const asg = new AutoScalingClient(config);
const step = (name) => console.log(`ok ${name}`);

async function admin(path, body) {
  const res = await fetch(endpoint + path, {
    method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  assert.ok(res.status < 300, `${path}: ${res.status} ${await res.text()}`);
}

async function expectError(promise, name, status) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, name, `error name (message: ${e.message})`);
    assert.equal(e.$metadata.httpStatusCode, status);
    return e;
  }
  assert.fail(`expected ${name}`);
}

const instancesOf = (out) => (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
const tagSpec = (value) => [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: value }] }];

// RunInstances: spot, tagged at launch.
const run = await ec2.send(new RunInstancesCommand({
  ImageId: 'ami-0123456789abcdef0', InstanceType: 'c5.large', MinCount: 1, MaxCount: 7,
  InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time' } },
  TagSpecifications: tagSpec('sdk-runner'), ClientToken: 'sdk-token-1',
}));
assert.equal(run.Instances.length, 7);
assert.match(run.ReservationId, /^r-[0-9a-f]+$/);
for (const i of run.Instances) {
  assert.match(i.InstanceId, /^i-[0-9a-f]{17}$/);
  assert.equal(i.State.Code, 0);
  assert.equal(i.State.Name, 'pending');
  assert.equal(i.InstanceLifecycle, 'spot');
  assert.equal(i.InstanceType, 'c5.large');
  assert.ok(i.LaunchTime instanceof Date && !Number.isNaN(i.LaunchTime.getTime()));
  assert.deepEqual(i.Tags, [{ Key: 'Name', Value: 'sdk-runner' }]);
  assert.equal(i.MetadataOptions.HttpTokens, 'required');
}
const retry = await ec2.send(new RunInstancesCommand({
  ImageId: 'ami-0123456789abcdef0', InstanceType: 'c5.large', MinCount: 1, MaxCount: 7,
  InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time' } },
  TagSpecifications: tagSpec('sdk-runner'), ClientToken: 'sdk-token-1',
}));
assert.equal(retry.ReservationId, run.ReservationId);
await ec2.send(new RunInstancesCommand({
  ImageId: 'ami-0123456789abcdef0', MinCount: 3, MaxCount: 3, TagSpecifications: tagSpec('other'),
}));
step('RunInstances');

// They come up.
const ids = run.Instances.map((i) => i.InstanceId);
let running = 0;
for (let attempt = 0; attempt < 100 && running < ids.length; attempt++) {
  await new Promise((r) => setTimeout(r, 100));
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
  running = instancesOf(out).filter((i) => i.State.Name === 'running' && i.State.Code === 16).length;
}
assert.equal(running, ids.length, 'instances reach running');
step('pending -> running');

// DescribeInstances with a tag filter, page by page and with the SDK's paginator.
const filter = [{ Name: 'tag:Name', Values: ['sdk-runner'] }, { Name: 'instance-state-name', Values: ['running'] }];
const page1 = await ec2.send(new DescribeInstancesCommand({ Filters: filter, MaxResults: 5 }));
assert.equal(instancesOf(page1).length, 5);
assert.ok(page1.NextToken, 'first page has a NextToken');
const page2 = await ec2.send(new DescribeInstancesCommand({ Filters: filter, MaxResults: 5, NextToken: page1.NextToken }));
assert.equal(instancesOf(page2).length, 2);
assert.equal(page2.NextToken, undefined);
const seen = new Set();
for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 5 }, { Filters: filter })) {
  for (const i of instancesOf(page)) seen.add(i.InstanceId);
}
assert.deepEqual([...seen].sort(), [...ids].sort());
const others = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['oth*'] }] }));
assert.equal(instancesOf(others).length, 3);
step('DescribeInstances filters + pagination');

await ec2.send(new CreateTagsCommand({ Resources: [ids[0]], Tags: [{ Key: 'job', Value: '42' }] }));
const tagged = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:job', Values: ['42'] }] }));
assert.deepEqual(instancesOf(tagged).map((i) => i.InstanceId), [ids[0]]);
step('CreateTags');

// TerminateInstances.
const term = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [ids[0], ids[1]] }));
assert.equal(term.TerminatingInstances.length, 2);
for (const t of term.TerminatingInstances) {
  assert.deepEqual(t.CurrentState, { Code: 32, Name: 'shutting-down' });
  assert.deepEqual(t.PreviousState, { Code: 16, Name: 'running' });
}
step('TerminateInstances');

// Errors surface as the SDK's typed errors.
const notFound = await expectError(
  ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })), 'InvalidInstanceID.NotFound', 400);
assert.equal(notFound.message, "The instance ID 'i-0123456789abcdef0' does not exist");
assert.match(notFound.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
await expectError(new EC2Client({ ...config, credentials: { accessKeyId, secretAccessKey: 'wrong' } })
  .send(new DescribeInstancesCommand({})), 'SignatureDoesNotMatch', 403);
await admin('/admin/faults', { kind: 'capacity', instance_type: 'm5.large', count: 1 });
await expectError(ec2.send(new RunInstancesCommand({
  ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 1, MaxCount: 1,
})), 'InsufficientInstanceCapacity', 500);
await admin('/admin/faults', { kind: 'throttle', count: 1 });
await expectError(ec2.send(new DescribeInstancesCommand({})), 'RequestLimitExceeded', 503);
step('typed errors');

// CreateFleet (instant, spot, price-capacity-optimized) with a capacity error on one pool.
await admin('/admin/faults', { kind: 'capacity', instance_type: 'c6i.large', market: 'spot' });
const fleet = await ec2.send(new CreateFleetCommand({
  Type: 'instant',
  LaunchTemplateConfigs: [{
    LaunchTemplateSpecification: { LaunchTemplateName: 'runner-lt', Version: '$Latest' },
    Overrides: [
      { InstanceType: 'c6i.large', SubnetId: 'subnet-0a0a0a0a0a0a0a0a0' },
      { InstanceType: 'm5.large', SubnetId: 'subnet-0b0b0b0b0b0b0b0b0' },
    ],
  }],
  TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: 'spot' },
  SpotOptions: { AllocationStrategy: 'price-capacity-optimized' },
  TagSpecifications: tagSpec('fleet'),
}));
assert.match(fleet.FleetId, /^fleet-/);
assert.equal(fleet.Errors.length, 1);
assert.equal(fleet.Errors[0].ErrorCode, 'InsufficientInstanceCapacity');
assert.equal(fleet.Errors[0].Lifecycle, 'spot');
assert.equal(fleet.Errors[0].LaunchTemplateAndOverrides.Overrides.InstanceType, 'c6i.large');
assert.equal(fleet.Instances.length, 1);
assert.equal(fleet.Instances[0].InstanceType, 'm5.large');
assert.equal(fleet.Instances[0].Lifecycle, 'spot');
assert.equal(fleet.Instances[0].InstanceIds.length, 1);
step('CreateFleet');

const prices = await ec2.send(new DescribeSpotPriceHistoryCommand({
  InstanceTypes: ['c5.large'], ProductDescriptions: ['Linux/UNIX'], MaxResults: 2,
}));
assert.equal(prices.SpotPriceHistory.length, 2);
assert.match(prices.SpotPriceHistory[0].SpotPrice, /^0\.\d{6}$/);
assert.ok(prices.SpotPriceHistory[0].Timestamp instanceof Date);
assert.ok(prices.NextToken);
step('DescribeSpotPriceHistory');

const images = await ec2.send(new DescribeImagesCommand({
  Owners: ['099720109477'],
  Filters: [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd*/ubuntu-*-amd64-server-*'] },
    { Name: 'architecture', Values: ['x86_64'] }, { Name: 'state', Values: ['available'] }],
}));
assert.ok(images.Images.length >= 3);
for (const image of images.Images) {
  assert.match(image.ImageId, /^ami-[0-9a-f]+$/);
  assert.equal(image.OwnerId, '099720109477');
  assert.equal(image.Architecture, 'x86_64');
  assert.equal(image.State, 'available');
  assert.match(image.CreationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(image.BlockDeviceMappings[0].Ebs.DeleteOnTermination, true);
}
await expectError(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-00000000000000000'] })), 'InvalidAMIID.NotFound', 400);
step('DescribeImages');

// Auto Scaling.
await asg.send(new CreateAutoScalingGroupCommand({
  AutoScalingGroupName: 'sdk-asg', MinSize: 0, MaxSize: 3, DesiredCapacity: 1,
  LaunchTemplate: { LaunchTemplateName: 'runner-lt', Version: '$Latest' },
  VPCZoneIdentifier: 'subnet-0a0a0a0a0a0a0a0a0,subnet-0b0b0b0b0b0b0b0b0',
  Tags: [{ Key: 'team', Value: 'ci', PropagateAtLaunch: true }],
}));
await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'sdk-asg', DesiredCapacity: 2 }));
const groups = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['sdk-asg'] }));
assert.equal(groups.AutoScalingGroups.length, 1);
const group = groups.AutoScalingGroups[0];
assert.equal(group.DesiredCapacity, 2);
assert.equal(group.Instances.length, 2);
assert.ok(group.CreatedTime instanceof Date);
assert.deepEqual(group.AvailabilityZones, ['us-east-1a', 'us-east-1b']);
assert.equal(group.Tags[0].PropagateAtLaunch, true);
const tooMany = await expectError(
  asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'sdk-asg', DesiredCapacity: 9 })), 'ValidationError', 400);
assert.equal(tooMany.message, 'New SetDesiredCapacity value 9 is above max value 3 for the AutoScalingGroup.');
const act = await asg.send(new TerminateInstanceInAutoScalingGroupCommand({
  InstanceId: group.Instances[0].InstanceId, ShouldDecrementDesiredCapacity: true,
}));
assert.equal(act.Activity.StatusCode, 'InProgress');
assert.equal(act.Activity.AutoScalingGroupName, 'sdk-asg');
step('Auto Scaling');
console.log('sdk wire test: all passed');
