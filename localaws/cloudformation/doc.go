// Package cloudformation serves the local stack's CloudFormation stack
// over the query protocol (signing name cloudformation, version
// 2010-05-15): what every ops command calls to turn `--stack NAME` into
// the names of the stack's resources.
//
// Served: DescribeStacks and DescribeStackResources, for the one stack the
// local stack runs (template.yaml resolved with stack name, region and
// account of its topology: alchemiser, us-east-1, 000000000000):
//   - DescribeStacks: StackName (the stack's name or its id, optional:
//     without it, every stack, which is this one); the stack with
//     StackStatus CREATE_COMPLETE, CreationTime (when the local stack
//     started, on its clock), the template's Description, Parameters (the
//     values it was resolved with) and Outputs (the template's Outputs
//     whose Condition holds, Value resolved, with Description and
//     Export.Name when the template gives them).
//   - DescribeStackResources: StackName or PhysicalResourceId, and
//     LogicalResourceId to pick one resource; every resource the template
//     creates, in template order, with the physical id its Ref resolves to
//     (topology.Topology.Variable): queue URLs for AWS::SQS::Queue, names
//     for buses, functions, parameters, log groups, alarms and schedules,
//     ARNs for topics and secrets; then those SAM's transform adds for
//     the functions' gradual deploys (topology.Topology.Generated): per
//     function its version (<Function>Version<hash>, version 1) and alias
//     (<Function>Aliaslive, the alias's ARN) and CodeDeploy deployment
//     group, and once the CodeDeploy application and service role.
//
// A stack that is not this one is CloudFormation's ValidationError
// "Stack with id NAME does not exist"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
//
// Where it deviates from AWS: the template is not transformed by SAM, so
// an AWS::Serverless::Function is listed as the AWS::Lambda::Function it
// becomes, and of what SAM adds beside it only the aliases, versions and
// CodeDeploy resources, without the roles, rules, permissions and event
// invoke configs; a version's hash is of the function's name, not its code; physical ids CloudFormation generates at random (a queue
// policy's, a Lambda permission's, a query definition's id) are the names
// the topology gives them; NextToken is never returned (one stack, one
// page).
package cloudformation
