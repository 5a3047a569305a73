package dev.runnerscale.autoscaler.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.time.Instant;

/**
 * AWS Auto Scaling as WireMock plays it, in the query protocol's real XML shapes ({@code <XResponse><XResult>}): the
 * describe, scale and protect actions the {@code auto-scaling-group} provider calls. A later stub of the same action
 * (and group) replaces the earlier one, so a test moves AWS's state by stubbing again.
 */
public final class AutoScalingStubs {

    private final AwsWireMock aws;

    public AutoScalingStubs(AwsWireMock aws) {
        this.aws = aws;
    }

    public static ResponseDefinitionBuilder xml(String body) {
        return aResponse().withHeader("Content-Type", "text/xml").withBody(body);
    }

    static String metadata() {
        return "<ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>";
    }

    /** {@code SetDesiredCapacity}, {@code SetInstanceProtection} and {@code TerminateInstanceInAutoScalingGroup} succeed. */
    public AutoScalingStubs acceptChanges(String terminatedFromGroup) {
        ok("SetDesiredCapacity");
        ok("SetInstanceProtection");
        aws.server.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=TerminateInstanceInAutoScalingGroup"))
                .willReturn(xml("<TerminateInstanceInAutoScalingGroupResponse xmlns=\"" + AwsWireMock.AS_NS
                        + "\"><TerminateInstanceInAutoScalingGroupResult><Activity><ActivityId>a-1</ActivityId>"
                        + "<AutoScalingGroupName>" + terminatedFromGroup + "</AutoScalingGroupName><Description>"
                        + "Terminating EC2 instance: i-2</Description><Cause>At 2026-03-02T10:05:00Z instance i-2 was"
                        + " taken out of service in response to a user request, shrinking the capacity from 2 to 1."
                        + "</Cause><StartTime>2026-03-02T10:05:00Z</StartTime><StatusCode>InProgress</StatusCode>"
                        + "<Progress>0</Progress></Activity></TerminateInstanceInAutoScalingGroupResult>"
                        + metadata() + "</TerminateInstanceInAutoScalingGroupResponse>")));
        return this;
    }

    private void ok(String action) {
        aws.server.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=" + action))
                .willReturn(xml("<" + action + "Response xmlns=\"" + AwsWireMock.AS_NS + "\">"
                        + (action.equals("SetInstanceProtection") ? "<SetInstanceProtectionResult/>" : "")
                        + metadata() + "</" + action + "Response>")));
    }

    /** An instance of a group as {@code DescribeAutoScalingGroups} lists it. */
    public static String instance(String id, String state, boolean protectedFromScaleIn) {
        return "<member><InstanceId>" + id + "</InstanceId><InstanceType>c5.xlarge</InstanceType>"
                + "<AvailabilityZone>us-east-1a</AvailabilityZone><LifecycleState>" + state + "</LifecycleState>"
                + "<HealthStatus>Healthy</HealthStatus><LaunchTemplate><LaunchTemplateId>lt-0123</LaunchTemplateId>"
                + "<LaunchTemplateName>runners</LaunchTemplateName><Version>1</Version></LaunchTemplate>"
                + "<ProtectedFromScaleIn>" + protectedFromScaleIn + "</ProtectedFromScaleIn></member>";
    }

    /** {@code DescribeAutoScalingGroups} of this group answers with these sizes and instances. */
    public AutoScalingStubs group(String name, int min, int max, int desired, String... instances) {
        aws.server.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeAutoScalingGroups"))
                .withRequestBody(containing("AutoScalingGroupNames.member.1=" + name))
                .willReturn(xml("<DescribeAutoScalingGroupsResponse xmlns=\"" + AwsWireMock.AS_NS + "\">"
                        + "<DescribeAutoScalingGroupsResult><AutoScalingGroups><member>"
                        + "<AutoScalingGroupName>" + name + "</AutoScalingGroupName>"
                        + "<AutoScalingGroupARN>arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:"
                        + "930d940e-891e-4781-a11a-7b0acd480f03:autoScalingGroupName/" + name
                        + "</AutoScalingGroupARN><MinSize>" + min + "</MinSize><MaxSize>" + max + "</MaxSize>"
                        + "<DesiredCapacity>" + desired + "</DesiredCapacity><DefaultCooldown>300</DefaultCooldown>"
                        + "<AvailabilityZones><member>us-east-1a</member></AvailabilityZones>"
                        + "<LoadBalancerNames/><TargetGroupARNs/><HealthCheckType>EC2</HealthCheckType>"
                        + "<HealthCheckGracePeriod>300</HealthCheckGracePeriod><Instances>"
                        + String.join("", instances) + "</Instances>"
                        + "<CreatedTime>2026-01-10T09:00:00.000Z</CreatedTime><SuspendedProcesses/>"
                        + "<EnabledMetrics/><Tags/><TerminationPolicies><member>Default</member></TerminationPolicies>"
                        + "<NewInstancesProtectedFromScaleIn>false</NewInstancesProtectedFromScaleIn>"
                        + "<ServiceLinkedRoleARN>arn:aws:iam::123456789012:role/aws-service-role/"
                        + "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling</ServiceLinkedRoleARN>"
                        + "</member></AutoScalingGroups></DescribeAutoScalingGroupsResult>" + metadata()
                        + "</DescribeAutoScalingGroupsResponse>")));
        return this;
    }

    /** {@code DescribeScalingActivities} answers with these activities (of any group asked). */
    public AutoScalingStubs activities(String... activities) {
        aws.server.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeScalingActivities"))
                .willReturn(xml("<DescribeScalingActivitiesResponse xmlns=\"" + AwsWireMock.AS_NS + "\">"
                        + "<DescribeScalingActivitiesResult><Activities>" + String.join("", activities)
                        + "</Activities></DescribeScalingActivitiesResult>" + metadata()
                        + "</DescribeScalingActivitiesResponse>")));
        return this;
    }

    /** A scaling activity of the spot group that failed for lack of spot capacity, as Auto Scaling reports it. */
    public static String failedSpotLaunch(String group, Instant at) {
        return "<member><ActivityId>f9f2d65b-f1f2-43e7-b46d-d86756459699</ActivityId>"
                + "<AutoScalingGroupName>" + group + "</AutoScalingGroupName>"
                + "<Description>Launching a new EC2 instance.  Status Reason: Could not launch Spot Instances."
                + " InsufficientInstanceCapacity - There is no Spot capacity available that matches your request."
                + " Launching EC2 instance failed.</Description><Cause>At " + at + " an instance was started in"
                + " response to a difference between desired and actual capacity, increasing the capacity from 1 to"
                + " 3.</Cause><StartTime>" + at + "</StartTime><EndTime>" + at + "</EndTime>"
                + "<StatusCode>Failed</StatusCode><StatusMessage>Could not launch Spot Instances."
                + " InsufficientInstanceCapacity - There is no Spot capacity available that matches your request."
                + " Launching EC2 instance failed.</StatusMessage><Progress>100</Progress></member>";
    }
}
