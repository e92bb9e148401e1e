/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const consensus = $root.consensus = (() => {

    const consensus = {};

    consensus.v1 = (function() {

        const v1 = {};

        v1.Proposal = (function() {

            const Proposal = function (properties) {
                this.votes = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            Proposal.prototype.name = "";
            Proposal.prototype.payload = $util.newBuffer([]);
            Proposal.prototype.proposalId = 0;
            Proposal.prototype.proposalOwner = $util.newBuffer([]);
            Proposal.prototype.votes = $util.emptyArray;
            Proposal.prototype.expectedVotersCount = 0;
            Proposal.prototype.round = 0;
            Proposal.prototype.timestamp = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
            Proposal.prototype.expirationTimestamp = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
            Proposal.prototype.livenessCriteriaYes = false;

            Proposal.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(82).string(message.name);
                if (message.payload != null && $Object.hasOwnProperty.call(message, "payload") && message.payload.length)
                    writer.uint32(90).bytes(message.payload);
                if (message.proposalId != null && $Object.hasOwnProperty.call(message, "proposalId") && message.proposalId !== 0)
                    writer.uint32(96).uint32(message.proposalId);
                if (message.proposalOwner != null && $Object.hasOwnProperty.call(message, "proposalOwner") && message.proposalOwner.length)
                    writer.uint32(106).bytes(message.proposalOwner);
                if (message.votes != null && message.votes.length)
                    for (let i = 0; i < message.votes.length; ++i)
                        $root.consensus.v1.Vote.encode(message.votes[i], writer.uint32(114).fork(), _depth + 1).ldelim();
                if (message.expectedVotersCount != null && $Object.hasOwnProperty.call(message, "expectedVotersCount") && message.expectedVotersCount !== 0)
                    writer.uint32(120).uint32(message.expectedVotersCount);
                if (message.round != null && $Object.hasOwnProperty.call(message, "round") && message.round !== 0)
                    writer.uint32(128).uint32(message.round);
                if (message.timestamp != null && $Object.hasOwnProperty.call(message, "timestamp") && (typeof message.timestamp === "object" ? message.timestamp.low || message.timestamp.high : message.timestamp !== 0))
                    writer.uint32(136).uint64(message.timestamp);
                if (message.expirationTimestamp != null && $Object.hasOwnProperty.call(message, "expirationTimestamp") && (typeof message.expirationTimestamp === "object" ? message.expirationTimestamp.low || message.expirationTimestamp.high : message.expirationTimestamp !== 0))
                    writer.uint32(144).uint64(message.expirationTimestamp);
                if (message.livenessCriteriaYes != null && $Object.hasOwnProperty.call(message, "livenessCriteriaYes") && message.livenessCriteriaYes !== false)
                    writer.uint32(152).bool(message.livenessCriteriaYes);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            Proposal.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.consensus.v1.Proposal();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 10: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 11: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.payload = value;
                            else
                                delete message.payload;
                            continue;
                        }
                    case 12: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.proposalId = value;
                            else
                                delete message.proposalId;
                            continue;
                        }
                    case 13: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.proposalOwner = value;
                            else
                                delete message.proposalOwner;
                            continue;
                        }
                    case 14: {
                            if (wireType !== 2)
                                break;
                            if (!(message.votes && message.votes.length))
                                message.votes = [];
                            message.votes.push($root.consensus.v1.Vote.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 15: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.expectedVotersCount = value;
                            else
                                delete message.expectedVotersCount;
                            continue;
                        }
                    case 16: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.round = value;
                            else
                                delete message.round;
                            continue;
                        }
                    case 17: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.timestamp = value;
                            else
                                delete message.timestamp;
                            continue;
                        }
                    case 18: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.expirationTimestamp = value;
                            else
                                delete message.expirationTimestamp;
                            continue;
                        }
                    case 19: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.livenessCriteriaYes = value;
                            else
                                delete message.livenessCriteriaYes;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            return Proposal;
        })();

        v1.Vote = (function() {

            const Vote = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            Vote.prototype.voteId = 0;
            Vote.prototype.voteOwner = $util.newBuffer([]);
            Vote.prototype.proposalId = 0;
            Vote.prototype.timestamp = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
            Vote.prototype.vote = false;
            Vote.prototype.parentHash = $util.newBuffer([]);
            Vote.prototype.receivedHash = $util.newBuffer([]);
            Vote.prototype.voteHash = $util.newBuffer([]);
            Vote.prototype.signature = $util.newBuffer([]);

            Vote.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.voteId != null && $Object.hasOwnProperty.call(message, "voteId") && message.voteId !== 0)
                    writer.uint32(160).uint32(message.voteId);
                if (message.voteOwner != null && $Object.hasOwnProperty.call(message, "voteOwner") && message.voteOwner.length)
                    writer.uint32(170).bytes(message.voteOwner);
                if (message.proposalId != null && $Object.hasOwnProperty.call(message, "proposalId") && message.proposalId !== 0)
                    writer.uint32(176).uint32(message.proposalId);
                if (message.timestamp != null && $Object.hasOwnProperty.call(message, "timestamp") && (typeof message.timestamp === "object" ? message.timestamp.low || message.timestamp.high : message.timestamp !== 0))
                    writer.uint32(184).uint64(message.timestamp);
                if (message.vote != null && $Object.hasOwnProperty.call(message, "vote") && message.vote !== false)
                    writer.uint32(192).bool(message.vote);
                if (message.parentHash != null && $Object.hasOwnProperty.call(message, "parentHash") && message.parentHash.length)
                    writer.uint32(202).bytes(message.parentHash);
                if (message.receivedHash != null && $Object.hasOwnProperty.call(message, "receivedHash") && message.receivedHash.length)
                    writer.uint32(210).bytes(message.receivedHash);
                if (message.voteHash != null && $Object.hasOwnProperty.call(message, "voteHash") && message.voteHash.length)
                    writer.uint32(218).bytes(message.voteHash);
                if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                    writer.uint32(226).bytes(message.signature);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            Vote.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.consensus.v1.Vote();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 20: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.voteId = value;
                            else
                                delete message.voteId;
                            continue;
                        }
                    case 21: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.voteOwner = value;
                            else
                                delete message.voteOwner;
                            continue;
                        }
                    case 22: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.proposalId = value;
                            else
                                delete message.proposalId;
                            continue;
                        }
                    case 23: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.timestamp = value;
                            else
                                delete message.timestamp;
                            continue;
                        }
                    case 24: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.vote = value;
                            else
                                delete message.vote;
                            continue;
                        }
                    case 25: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.parentHash = value;
                            else
                                delete message.parentHash;
                            continue;
                        }
                    case 26: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.receivedHash = value;
                            else
                                delete message.receivedHash;
                            continue;
                        }
                    case 27: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.voteHash = value;
                            else
                                delete message.voteHash;
                            continue;
                        }
                    case 28: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.signature = value;
                            else
                                delete message.signature;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            return Vote;
        })();

        return v1;
    })();

    return consensus;
})();

export const de_mls = $root.de_mls = (() => {

    const de_mls = {};

    de_mls.messages = (function() {

        const messages = {};

        messages.v1 = (function() {

            const v1 = {};

            v1.AppMessage = (function() {

                const AppMessage = function (properties) {
                    this.demlsVoteBindings = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                AppMessage.prototype.conversationMessage = null;
                AppMessage.prototype.banRequest = null;
                AppMessage.prototype.proposal = null;
                AppMessage.prototype.vote = null;
                AppMessage.prototype.votePayload = null;
                AppMessage.prototype.userVote = null;
                AppMessage.prototype.proposalAdded = null;
                AppMessage.prototype.commitCandidate = null;
                AppMessage.prototype.conversationSync = null;
                AppMessage.prototype.memberWelcome = null;
                AppMessage.prototype.membershipChange = null;
                AppMessage.prototype.demlsControl = null;
                AppMessage.prototype.demlsAggregateVote = null;
                AppMessage.prototype.demlsAggregateProof = null;
                AppMessage.prototype.demlsVotes = null;
                AppMessage.prototype.demlsVoteBindings = $util.emptyArray;

                let $oneOfFields;

                $Object.defineProperty(AppMessage.prototype, "payload", {
                    get: $util.oneOfGetter($oneOfFields = ["conversationMessage", "banRequest", "proposal", "vote", "votePayload", "userVote", "proposalAdded", "commitCandidate", "conversationSync", "memberWelcome", "membershipChange", "demlsControl", "demlsAggregateVote", "demlsAggregateProof", "demlsVotes"]),
                    set: $util.oneOfSetter($oneOfFields)
                });

                AppMessage.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.conversationMessage != null && $Object.hasOwnProperty.call(message, "conversationMessage"))
                        $root.de_mls.messages.v1.ConversationMessage.encode(message.conversationMessage, writer.uint32(10).fork(), _depth + 1).ldelim();
                    if (message.banRequest != null && $Object.hasOwnProperty.call(message, "banRequest"))
                        $root.de_mls.messages.v1.BanRequest.encode(message.banRequest, writer.uint32(18).fork(), _depth + 1).ldelim();
                    if (message.proposal != null && $Object.hasOwnProperty.call(message, "proposal"))
                        $root.consensus.v1.Proposal.encode(message.proposal, writer.uint32(26).fork(), _depth + 1).ldelim();
                    if (message.vote != null && $Object.hasOwnProperty.call(message, "vote"))
                        $root.consensus.v1.Vote.encode(message.vote, writer.uint32(34).fork(), _depth + 1).ldelim();
                    if (message.votePayload != null && $Object.hasOwnProperty.call(message, "votePayload"))
                        $root.de_mls.messages.v1.VotePayload.encode(message.votePayload, writer.uint32(42).fork(), _depth + 1).ldelim();
                    if (message.userVote != null && $Object.hasOwnProperty.call(message, "userVote"))
                        $root.de_mls.messages.v1.UserVote.encode(message.userVote, writer.uint32(50).fork(), _depth + 1).ldelim();
                    if (message.proposalAdded != null && $Object.hasOwnProperty.call(message, "proposalAdded"))
                        $root.de_mls.messages.v1.ProposalAdded.encode(message.proposalAdded, writer.uint32(58).fork(), _depth + 1).ldelim();
                    if (message.commitCandidate != null && $Object.hasOwnProperty.call(message, "commitCandidate"))
                        $root.de_mls.messages.v1.CommitCandidate.encode(message.commitCandidate, writer.uint32(66).fork(), _depth + 1).ldelim();
                    if (message.conversationSync != null && $Object.hasOwnProperty.call(message, "conversationSync"))
                        $root.de_mls.messages.v1.ConversationSync.encode(message.conversationSync, writer.uint32(74).fork(), _depth + 1).ldelim();
                    if (message.memberWelcome != null && $Object.hasOwnProperty.call(message, "memberWelcome"))
                        $root.de_mls.messages.v1.MemberWelcome.encode(message.memberWelcome, writer.uint32(82).fork(), _depth + 1).ldelim();
                    if (message.membershipChange != null && $Object.hasOwnProperty.call(message, "membershipChange"))
                        $root.de_mls.messages.v1.EventMembershipChange.encode(message.membershipChange, writer.uint32(90).fork(), _depth + 1).ldelim();
                    if (message.demlsControl != null && $Object.hasOwnProperty.call(message, "demlsControl"))
                        $root.de_mls.messages.v1.DemlsControl.encode(message.demlsControl, writer.uint32(802).fork(), _depth + 1).ldelim();
                    if (message.demlsVoteBindings != null && message.demlsVoteBindings.length)
                        for (let i = 0; i < message.demlsVoteBindings.length; ++i)
                            writer.uint32(810).bytes(message.demlsVoteBindings[i]);
                    if (message.demlsAggregateVote != null && $Object.hasOwnProperty.call(message, "demlsAggregateVote"))
                        $root.de_mls.messages.v1.DemlsAggregateVote.encode(message.demlsAggregateVote, writer.uint32(818).fork(), _depth + 1).ldelim();
                    if (message.demlsAggregateProof != null && $Object.hasOwnProperty.call(message, "demlsAggregateProof"))
                        $root.de_mls.messages.v1.DemlsAggregateProof.encode(message.demlsAggregateProof, writer.uint32(826).fork(), _depth + 1).ldelim();
                    if (message.demlsVotes != null && $Object.hasOwnProperty.call(message, "demlsVotes"))
                        $root.de_mls.messages.v1.DemlsVotes.encode(message.demlsVotes, writer.uint32(834).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                AppMessage.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.AppMessage();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                message.conversationMessage = $root.de_mls.messages.v1.ConversationMessage.decode(reader, reader.size(), $undefined, _depth + 1, message.conversationMessage);
                                message.payload = "conversationMessage";
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                message.banRequest = $root.de_mls.messages.v1.BanRequest.decode(reader, reader.size(), $undefined, _depth + 1, message.banRequest);
                                message.payload = "banRequest";
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                message.proposal = $root.consensus.v1.Proposal.decode(reader, reader.size(), $undefined, _depth + 1, message.proposal);
                                message.payload = "proposal";
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                message.vote = $root.consensus.v1.Vote.decode(reader, reader.size(), $undefined, _depth + 1, message.vote);
                                message.payload = "vote";
                                continue;
                            }
                        case 5: {
                                if (wireType !== 2)
                                    break;
                                message.votePayload = $root.de_mls.messages.v1.VotePayload.decode(reader, reader.size(), $undefined, _depth + 1, message.votePayload);
                                message.payload = "votePayload";
                                continue;
                            }
                        case 6: {
                                if (wireType !== 2)
                                    break;
                                message.userVote = $root.de_mls.messages.v1.UserVote.decode(reader, reader.size(), $undefined, _depth + 1, message.userVote);
                                message.payload = "userVote";
                                continue;
                            }
                        case 7: {
                                if (wireType !== 2)
                                    break;
                                message.proposalAdded = $root.de_mls.messages.v1.ProposalAdded.decode(reader, reader.size(), $undefined, _depth + 1, message.proposalAdded);
                                message.payload = "proposalAdded";
                                continue;
                            }
                        case 8: {
                                if (wireType !== 2)
                                    break;
                                message.commitCandidate = $root.de_mls.messages.v1.CommitCandidate.decode(reader, reader.size(), $undefined, _depth + 1, message.commitCandidate);
                                message.payload = "commitCandidate";
                                continue;
                            }
                        case 9: {
                                if (wireType !== 2)
                                    break;
                                message.conversationSync = $root.de_mls.messages.v1.ConversationSync.decode(reader, reader.size(), $undefined, _depth + 1, message.conversationSync);
                                message.payload = "conversationSync";
                                continue;
                            }
                        case 10: {
                                if (wireType !== 2)
                                    break;
                                message.memberWelcome = $root.de_mls.messages.v1.MemberWelcome.decode(reader, reader.size(), $undefined, _depth + 1, message.memberWelcome);
                                message.payload = "memberWelcome";
                                continue;
                            }
                        case 11: {
                                if (wireType !== 2)
                                    break;
                                message.membershipChange = $root.de_mls.messages.v1.EventMembershipChange.decode(reader, reader.size(), $undefined, _depth + 1, message.membershipChange);
                                message.payload = "membershipChange";
                                continue;
                            }
                        case 100: {
                                if (wireType !== 2)
                                    break;
                                message.demlsControl = $root.de_mls.messages.v1.DemlsControl.decode(reader, reader.size(), $undefined, _depth + 1, message.demlsControl);
                                message.payload = "demlsControl";
                                continue;
                            }
                        case 102: {
                                if (wireType !== 2)
                                    break;
                                message.demlsAggregateVote = $root.de_mls.messages.v1.DemlsAggregateVote.decode(reader, reader.size(), $undefined, _depth + 1, message.demlsAggregateVote);
                                message.payload = "demlsAggregateVote";
                                continue;
                            }
                        case 103: {
                                if (wireType !== 2)
                                    break;
                                message.demlsAggregateProof = $root.de_mls.messages.v1.DemlsAggregateProof.decode(reader, reader.size(), $undefined, _depth + 1, message.demlsAggregateProof);
                                message.payload = "demlsAggregateProof";
                                continue;
                            }
                        case 104: {
                                if (wireType !== 2)
                                    break;
                                message.demlsVotes = $root.de_mls.messages.v1.DemlsVotes.decode(reader, reader.size(), $undefined, _depth + 1, message.demlsVotes);
                                message.payload = "demlsVotes";
                                continue;
                            }
                        case 101: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.demlsVoteBindings && message.demlsVoteBindings.length))
                                    message.demlsVoteBindings = [];
                                message.demlsVoteBindings.push(reader.bytes());
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return AppMessage;
            })();

            v1.ApprovalCertificate = (function() {

                const ApprovalCertificate = function (properties) {
                    this.voteBindings = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                ApprovalCertificate.prototype.proposal = null;
                ApprovalCertificate.prototype.voteBindings = $util.emptyArray;
                ApprovalCertificate.prototype.demlsAggregateProof = $util.newBuffer([]);
                ApprovalCertificate.prototype.demlsAggregateEpoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

                ApprovalCertificate.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.proposal != null && $Object.hasOwnProperty.call(message, "proposal"))
                        $root.consensus.v1.Proposal.encode(message.proposal, writer.uint32(10).fork(), _depth + 1).ldelim();
                    if (message.voteBindings != null && message.voteBindings.length)
                        for (let i = 0; i < message.voteBindings.length; ++i)
                            writer.uint32(18).bytes(message.voteBindings[i]);
                    if (message.demlsAggregateProof != null && $Object.hasOwnProperty.call(message, "demlsAggregateProof") && message.demlsAggregateProof.length)
                        writer.uint32(26).bytes(message.demlsAggregateProof);
                    if (message.demlsAggregateEpoch != null && $Object.hasOwnProperty.call(message, "demlsAggregateEpoch") && (typeof message.demlsAggregateEpoch === "object" ? message.demlsAggregateEpoch.low || message.demlsAggregateEpoch.high : message.demlsAggregateEpoch !== 0))
                        writer.uint32(32).uint64(message.demlsAggregateEpoch);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                ApprovalCertificate.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.ApprovalCertificate();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                message.proposal = $root.consensus.v1.Proposal.decode(reader, reader.size(), $undefined, _depth + 1, message.proposal);
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.voteBindings && message.voteBindings.length))
                                    message.voteBindings = [];
                                message.voteBindings.push(reader.bytes());
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.demlsAggregateProof = value;
                                else
                                    delete message.demlsAggregateProof;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.demlsAggregateEpoch = value;
                                else
                                    delete message.demlsAggregateEpoch;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return ApprovalCertificate;
            })();

            v1.DemlsVotes = (function() {

                const DemlsVotes = function (properties) {
                    this.votes = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                DemlsVotes.prototype.votes = $util.emptyArray;

                DemlsVotes.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.votes != null && message.votes.length)
                        for (let i = 0; i < message.votes.length; ++i)
                            $root.consensus.v1.Vote.encode(message.votes[i], writer.uint32(10).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                DemlsVotes.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.DemlsVotes();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.votes && message.votes.length))
                                    message.votes = [];
                                message.votes.push($root.consensus.v1.Vote.decode(reader, reader.size(), $undefined, _depth + 1));
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return DemlsVotes;
            })();

            v1.DemlsAggregateVote = (function() {

                const DemlsAggregateVote = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                DemlsAggregateVote.prototype.proposalId = 0;
                DemlsAggregateVote.prototype.vote = false;
                DemlsAggregateVote.prototype.signature = $util.newBuffer([]);
                DemlsAggregateVote.prototype.epoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

                DemlsAggregateVote.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.proposalId != null && $Object.hasOwnProperty.call(message, "proposalId") && message.proposalId !== 0)
                        writer.uint32(8).uint32(message.proposalId);
                    if (message.vote != null && $Object.hasOwnProperty.call(message, "vote") && message.vote !== false)
                        writer.uint32(16).bool(message.vote);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(26).bytes(message.signature);
                    if (message.epoch != null && $Object.hasOwnProperty.call(message, "epoch") && (typeof message.epoch === "object" ? message.epoch.low || message.epoch.high : message.epoch !== 0))
                        writer.uint32(32).uint64(message.epoch);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                DemlsAggregateVote.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.DemlsAggregateVote();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.proposalId = value;
                                else
                                    delete message.proposalId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.bool())
                                    message.vote = value;
                                else
                                    delete message.vote;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.epoch = value;
                                else
                                    delete message.epoch;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return DemlsAggregateVote;
            })();

            v1.DemlsAggregateProof = (function() {

                const DemlsAggregateProof = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                DemlsAggregateProof.prototype.proposal = null;
                DemlsAggregateProof.prototype.proof = $util.newBuffer([]);

                DemlsAggregateProof.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.proposal != null && $Object.hasOwnProperty.call(message, "proposal"))
                        $root.consensus.v1.Proposal.encode(message.proposal, writer.uint32(10).fork(), _depth + 1).ldelim();
                    if (message.proof != null && $Object.hasOwnProperty.call(message, "proof") && message.proof.length)
                        writer.uint32(18).bytes(message.proof);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                DemlsAggregateProof.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.DemlsAggregateProof();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                message.proposal = $root.consensus.v1.Proposal.decode(reader, reader.size(), $undefined, _depth + 1, message.proposal);
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.proof = value;
                                else
                                    delete message.proof;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return DemlsAggregateProof;
            })();

            v1.DemlsControl = (function() {

                const DemlsControl = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                DemlsControl.prototype.attestation = null;
                DemlsControl.prototype.commitRequest = null;
                DemlsControl.prototype.commitReplay = null;
                DemlsControl.prototype.proposalRequest = null;
                DemlsControl.prototype.stewardList = null;
                DemlsControl.prototype.historyRequest = null;
                DemlsControl.prototype.historyReply = null;
                DemlsControl.prototype.invitation = null;
                DemlsControl.prototype.inviteLink = null;
                DemlsControl.prototype.inviteLinkRevocation = null;
                DemlsControl.prototype.aggregatorContact = null;

                let $oneOfFields;

                $Object.defineProperty(DemlsControl.prototype, "body", {
                    get: $util.oneOfGetter($oneOfFields = ["attestation", "commitRequest", "commitReplay", "proposalRequest", "stewardList", "historyRequest", "historyReply", "invitation", "inviteLink", "inviteLinkRevocation", "aggregatorContact"]),
                    set: $util.oneOfSetter($oneOfFields)
                });

                DemlsControl.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.attestation != null && $Object.hasOwnProperty.call(message, "attestation"))
                        $root.de_mls.messages.v1.EpochAttestation.encode(message.attestation, writer.uint32(10).fork(), _depth + 1).ldelim();
                    if (message.commitRequest != null && $Object.hasOwnProperty.call(message, "commitRequest"))
                        $root.de_mls.messages.v1.CommitRequest.encode(message.commitRequest, writer.uint32(18).fork(), _depth + 1).ldelim();
                    if (message.commitReplay != null && $Object.hasOwnProperty.call(message, "commitReplay"))
                        $root.de_mls.messages.v1.CommitReplay.encode(message.commitReplay, writer.uint32(26).fork(), _depth + 1).ldelim();
                    if (message.proposalRequest != null && $Object.hasOwnProperty.call(message, "proposalRequest"))
                        $root.de_mls.messages.v1.ProposalRequest.encode(message.proposalRequest, writer.uint32(34).fork(), _depth + 1).ldelim();
                    if (message.stewardList != null && $Object.hasOwnProperty.call(message, "stewardList"))
                        $root.de_mls.messages.v1.StewardListNotice.encode(message.stewardList, writer.uint32(42).fork(), _depth + 1).ldelim();
                    if (message.historyRequest != null && $Object.hasOwnProperty.call(message, "historyRequest"))
                        $root.de_mls.messages.v1.HistoryRequest.encode(message.historyRequest, writer.uint32(50).fork(), _depth + 1).ldelim();
                    if (message.historyReply != null && $Object.hasOwnProperty.call(message, "historyReply"))
                        $root.de_mls.messages.v1.HistoryReply.encode(message.historyReply, writer.uint32(58).fork(), _depth + 1).ldelim();
                    if (message.invitation != null && $Object.hasOwnProperty.call(message, "invitation"))
                        $root.de_mls.messages.v1.MemberInvitation.encode(message.invitation, writer.uint32(162).fork(), _depth + 1).ldelim();
                    if (message.inviteLink != null && $Object.hasOwnProperty.call(message, "inviteLink"))
                        $root.de_mls.messages.v1.InviteLinkRecord.encode(message.inviteLink, writer.uint32(170).fork(), _depth + 1).ldelim();
                    if (message.inviteLinkRevocation != null && $Object.hasOwnProperty.call(message, "inviteLinkRevocation"))
                        $root.de_mls.messages.v1.InviteLinkRevocation.encode(message.inviteLinkRevocation, writer.uint32(178).fork(), _depth + 1).ldelim();
                    if (message.aggregatorContact != null && $Object.hasOwnProperty.call(message, "aggregatorContact"))
                        $root.de_mls.messages.v1.AggregatorContact.encode(message.aggregatorContact, writer.uint32(186).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                DemlsControl.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.DemlsControl();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                message.attestation = $root.de_mls.messages.v1.EpochAttestation.decode(reader, reader.size(), $undefined, _depth + 1, message.attestation);
                                message.body = "attestation";
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                message.commitRequest = $root.de_mls.messages.v1.CommitRequest.decode(reader, reader.size(), $undefined, _depth + 1, message.commitRequest);
                                message.body = "commitRequest";
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                message.commitReplay = $root.de_mls.messages.v1.CommitReplay.decode(reader, reader.size(), $undefined, _depth + 1, message.commitReplay);
                                message.body = "commitReplay";
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                message.proposalRequest = $root.de_mls.messages.v1.ProposalRequest.decode(reader, reader.size(), $undefined, _depth + 1, message.proposalRequest);
                                message.body = "proposalRequest";
                                continue;
                            }
                        case 5: {
                                if (wireType !== 2)
                                    break;
                                message.stewardList = $root.de_mls.messages.v1.StewardListNotice.decode(reader, reader.size(), $undefined, _depth + 1, message.stewardList);
                                message.body = "stewardList";
                                continue;
                            }
                        case 6: {
                                if (wireType !== 2)
                                    break;
                                message.historyRequest = $root.de_mls.messages.v1.HistoryRequest.decode(reader, reader.size(), $undefined, _depth + 1, message.historyRequest);
                                message.body = "historyRequest";
                                continue;
                            }
                        case 7: {
                                if (wireType !== 2)
                                    break;
                                message.historyReply = $root.de_mls.messages.v1.HistoryReply.decode(reader, reader.size(), $undefined, _depth + 1, message.historyReply);
                                message.body = "historyReply";
                                continue;
                            }
                        case 20: {
                                if (wireType !== 2)
                                    break;
                                message.invitation = $root.de_mls.messages.v1.MemberInvitation.decode(reader, reader.size(), $undefined, _depth + 1, message.invitation);
                                message.body = "invitation";
                                continue;
                            }
                        case 21: {
                                if (wireType !== 2)
                                    break;
                                message.inviteLink = $root.de_mls.messages.v1.InviteLinkRecord.decode(reader, reader.size(), $undefined, _depth + 1, message.inviteLink);
                                message.body = "inviteLink";
                                continue;
                            }
                        case 22: {
                                if (wireType !== 2)
                                    break;
                                message.inviteLinkRevocation = $root.de_mls.messages.v1.InviteLinkRevocation.decode(reader, reader.size(), $undefined, _depth + 1, message.inviteLinkRevocation);
                                message.body = "inviteLinkRevocation";
                                continue;
                            }
                        case 23: {
                                if (wireType !== 2)
                                    break;
                                message.aggregatorContact = $root.de_mls.messages.v1.AggregatorContact.decode(reader, reader.size(), $undefined, _depth + 1, message.aggregatorContact);
                                message.body = "aggregatorContact";
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return DemlsControl;
            })();

            v1.AggregatorContact = (function() {

                const AggregatorContact = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                AggregatorContact.prototype.contact = $util.newBuffer([]);

                AggregatorContact.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.contact != null && $Object.hasOwnProperty.call(message, "contact") && message.contact.length)
                        writer.uint32(10).bytes(message.contact);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                AggregatorContact.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.AggregatorContact();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.contact = value;
                                else
                                    delete message.contact;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return AggregatorContact;
            })();

            v1.InviteLinkRecord = (function() {

                const InviteLinkRecord = function (properties) {
                    this.addresses = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                InviteLinkRecord.prototype.linkKey = $util.newBuffer([]);
                InviteLinkRecord.prototype.creator = $util.newBuffer([]);
                InviteLinkRecord.prototype.uses = 0;
                InviteLinkRecord.prototype.issuedAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                InviteLinkRecord.prototype.expiresAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                InviteLinkRecord.prototype.addresses = $util.emptyArray;
                InviteLinkRecord.prototype.signature = $util.newBuffer([]);

                InviteLinkRecord.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.linkKey != null && $Object.hasOwnProperty.call(message, "linkKey") && message.linkKey.length)
                        writer.uint32(10).bytes(message.linkKey);
                    if (message.creator != null && $Object.hasOwnProperty.call(message, "creator") && message.creator.length)
                        writer.uint32(18).bytes(message.creator);
                    if (message.uses != null && $Object.hasOwnProperty.call(message, "uses") && message.uses !== 0)
                        writer.uint32(24).uint32(message.uses);
                    if (message.issuedAtMs != null && $Object.hasOwnProperty.call(message, "issuedAtMs") && (typeof message.issuedAtMs === "object" ? message.issuedAtMs.low || message.issuedAtMs.high : message.issuedAtMs !== 0))
                        writer.uint32(32).uint64(message.issuedAtMs);
                    if (message.expiresAtMs != null && $Object.hasOwnProperty.call(message, "expiresAtMs") && (typeof message.expiresAtMs === "object" ? message.expiresAtMs.low || message.expiresAtMs.high : message.expiresAtMs !== 0))
                        writer.uint32(40).uint64(message.expiresAtMs);
                    if (message.addresses != null && message.addresses.length)
                        for (let i = 0; i < message.addresses.length; ++i)
                            writer.uint32(50).string(message.addresses[i]);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(58).bytes(message.signature);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                InviteLinkRecord.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.InviteLinkRecord();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.linkKey = value;
                                else
                                    delete message.linkKey;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.creator = value;
                                else
                                    delete message.creator;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.uses = value;
                                else
                                    delete message.uses;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.issuedAtMs = value;
                                else
                                    delete message.issuedAtMs;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.expiresAtMs = value;
                                else
                                    delete message.expiresAtMs;
                                continue;
                            }
                        case 6: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.addresses && message.addresses.length))
                                    message.addresses = [];
                                message.addresses.push(reader.stringVerify());
                                continue;
                            }
                        case 7: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return InviteLinkRecord;
            })();

            v1.InviteLinkRevocation = (function() {

                const InviteLinkRevocation = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                InviteLinkRevocation.prototype.linkKey = $util.newBuffer([]);
                InviteLinkRevocation.prototype.revoker = $util.newBuffer([]);
                InviteLinkRevocation.prototype.revokedAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                InviteLinkRevocation.prototype.signature = $util.newBuffer([]);

                InviteLinkRevocation.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.linkKey != null && $Object.hasOwnProperty.call(message, "linkKey") && message.linkKey.length)
                        writer.uint32(10).bytes(message.linkKey);
                    if (message.revoker != null && $Object.hasOwnProperty.call(message, "revoker") && message.revoker.length)
                        writer.uint32(18).bytes(message.revoker);
                    if (message.revokedAtMs != null && $Object.hasOwnProperty.call(message, "revokedAtMs") && (typeof message.revokedAtMs === "object" ? message.revokedAtMs.low || message.revokedAtMs.high : message.revokedAtMs !== 0))
                        writer.uint32(24).uint64(message.revokedAtMs);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(34).bytes(message.signature);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                InviteLinkRevocation.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.InviteLinkRevocation();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.linkKey = value;
                                else
                                    delete message.linkKey;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.revoker = value;
                                else
                                    delete message.revoker;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.revokedAtMs = value;
                                else
                                    delete message.revokedAtMs;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return InviteLinkRevocation;
            })();

            v1.InviteLinkProof = (function() {

                const InviteLinkProof = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                InviteLinkProof.prototype.record = null;
                InviteLinkProof.prototype.signature = $util.newBuffer([]);

                InviteLinkProof.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.record != null && $Object.hasOwnProperty.call(message, "record"))
                        $root.de_mls.messages.v1.InviteLinkRecord.encode(message.record, writer.uint32(10).fork(), _depth + 1).ldelim();
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(18).bytes(message.signature);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                InviteLinkProof.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.InviteLinkProof();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                message.record = $root.de_mls.messages.v1.InviteLinkRecord.decode(reader, reader.size(), $undefined, _depth + 1, message.record);
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return InviteLinkProof;
            })();

            v1.InviteLinkState = (function() {

                const InviteLinkState = function (properties) {
                    this.admitted = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                InviteLinkState.prototype.record = null;
                InviteLinkState.prototype.admitted = $util.emptyArray;

                InviteLinkState.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.record != null && $Object.hasOwnProperty.call(message, "record"))
                        $root.de_mls.messages.v1.InviteLinkRecord.encode(message.record, writer.uint32(10).fork(), _depth + 1).ldelim();
                    if (message.admitted != null && message.admitted.length)
                        for (let i = 0; i < message.admitted.length; ++i)
                            writer.uint32(18).bytes(message.admitted[i]);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                InviteLinkState.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.InviteLinkState();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                message.record = $root.de_mls.messages.v1.InviteLinkRecord.decode(reader, reader.size(), $undefined, _depth + 1, message.record);
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.admitted && message.admitted.length))
                                    message.admitted = [];
                                message.admitted.push(reader.bytes());
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return InviteLinkState;
            })();

            v1.MemberInvitation = (function() {

                const MemberInvitation = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                MemberInvitation.prototype.inviter = $util.newBuffer([]);
                MemberInvitation.prototype.invitee = $util.newBuffer([]);
                MemberInvitation.prototype.issuedAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                MemberInvitation.prototype.signature = $util.newBuffer([]);

                MemberInvitation.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.inviter != null && $Object.hasOwnProperty.call(message, "inviter") && message.inviter.length)
                        writer.uint32(10).bytes(message.inviter);
                    if (message.invitee != null && $Object.hasOwnProperty.call(message, "invitee") && message.invitee.length)
                        writer.uint32(18).bytes(message.invitee);
                    if (message.issuedAtMs != null && $Object.hasOwnProperty.call(message, "issuedAtMs") && (typeof message.issuedAtMs === "object" ? message.issuedAtMs.low || message.issuedAtMs.high : message.issuedAtMs !== 0))
                        writer.uint32(24).uint64(message.issuedAtMs);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(34).bytes(message.signature);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                MemberInvitation.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.MemberInvitation();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.inviter = value;
                                else
                                    delete message.inviter;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.invitee = value;
                                else
                                    delete message.invitee;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.issuedAtMs = value;
                                else
                                    delete message.issuedAtMs;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return MemberInvitation;
            })();

            v1.HistoryRequest = (function() {

                const HistoryRequest = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                HistoryRequest.prototype.memberId = $util.newBuffer([]);
                HistoryRequest.prototype.sinceMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                HistoryRequest.prototype.signedAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                HistoryRequest.prototype.signature = $util.newBuffer([]);

                HistoryRequest.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.memberId != null && $Object.hasOwnProperty.call(message, "memberId") && message.memberId.length)
                        writer.uint32(10).bytes(message.memberId);
                    if (message.sinceMs != null && $Object.hasOwnProperty.call(message, "sinceMs") && (typeof message.sinceMs === "object" ? message.sinceMs.low || message.sinceMs.high : message.sinceMs !== 0))
                        writer.uint32(16).uint64(message.sinceMs);
                    if (message.signedAtMs != null && $Object.hasOwnProperty.call(message, "signedAtMs") && (typeof message.signedAtMs === "object" ? message.signedAtMs.low || message.signedAtMs.high : message.signedAtMs !== 0))
                        writer.uint32(24).uint64(message.signedAtMs);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(34).bytes(message.signature);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                HistoryRequest.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.HistoryRequest();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.memberId = value;
                                else
                                    delete message.memberId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.sinceMs = value;
                                else
                                    delete message.sinceMs;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.signedAtMs = value;
                                else
                                    delete message.signedAtMs;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return HistoryRequest;
            })();

            v1.HistoryReply = (function() {

                const HistoryReply = function (properties) {
                    this.packets = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                HistoryReply.prototype.toMember = $util.newBuffer([]);
                HistoryReply.prototype.packets = $util.emptyArray;

                HistoryReply.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.toMember != null && $Object.hasOwnProperty.call(message, "toMember") && message.toMember.length)
                        writer.uint32(10).bytes(message.toMember);
                    if (message.packets != null && message.packets.length)
                        for (let i = 0; i < message.packets.length; ++i)
                            writer.uint32(18).bytes(message.packets[i]);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                HistoryReply.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.HistoryReply();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.toMember = value;
                                else
                                    delete message.toMember;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.packets && message.packets.length))
                                    message.packets = [];
                                message.packets.push(reader.bytes());
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return HistoryReply;
            })();

            v1.StewardListNotice = (function() {

                const StewardListNotice = function (properties) {
                    this.members = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                StewardListNotice.prototype.electionEpoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                StewardListNotice.prototype.retryRound = 0;
                StewardListNotice.prototype.members = $util.emptyArray;
                StewardListNotice.prototype.certificate = null;

                StewardListNotice.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.electionEpoch != null && $Object.hasOwnProperty.call(message, "electionEpoch") && (typeof message.electionEpoch === "object" ? message.electionEpoch.low || message.electionEpoch.high : message.electionEpoch !== 0))
                        writer.uint32(8).uint64(message.electionEpoch);
                    if (message.retryRound != null && $Object.hasOwnProperty.call(message, "retryRound") && message.retryRound !== 0)
                        writer.uint32(16).uint32(message.retryRound);
                    if (message.members != null && message.members.length)
                        for (let i = 0; i < message.members.length; ++i)
                            writer.uint32(26).bytes(message.members[i]);
                    if (message.certificate != null && $Object.hasOwnProperty.call(message, "certificate"))
                        $root.de_mls.messages.v1.ApprovalCertificate.encode(message.certificate, writer.uint32(34).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                StewardListNotice.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.StewardListNotice();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.electionEpoch = value;
                                else
                                    delete message.electionEpoch;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.retryRound = value;
                                else
                                    delete message.retryRound;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.members && message.members.length))
                                    message.members = [];
                                message.members.push(reader.bytes());
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                message.certificate = $root.de_mls.messages.v1.ApprovalCertificate.decode(reader, reader.size(), $undefined, _depth + 1, message.certificate);
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return StewardListNotice;
            })();

            v1.ProposalRequest = (function() {

                const ProposalRequest = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                ProposalRequest.prototype.proposalId = 0;
                ProposalRequest.prototype.memberId = $util.newBuffer([]);

                ProposalRequest.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.proposalId != null && $Object.hasOwnProperty.call(message, "proposalId") && message.proposalId !== 0)
                        writer.uint32(8).uint32(message.proposalId);
                    if (message.memberId != null && $Object.hasOwnProperty.call(message, "memberId") && message.memberId.length)
                        writer.uint32(18).bytes(message.memberId);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                ProposalRequest.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.ProposalRequest();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.proposalId = value;
                                else
                                    delete message.proposalId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.memberId = value;
                                else
                                    delete message.memberId;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return ProposalRequest;
            })();

            v1.EpochAttestation = (function() {

                const EpochAttestation = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                EpochAttestation.prototype.epoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                EpochAttestation.prototype.commitHash = $util.newBuffer([]);
                EpochAttestation.prototype.memberId = $util.newBuffer([]);
                EpochAttestation.prototype.stewardListEpoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                EpochAttestation.prototype.stewardListRound = 0;
                EpochAttestation.prototype.signedAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                EpochAttestation.prototype.signature = $util.newBuffer([]);
                EpochAttestation.prototype.committer = $util.newBuffer([]);
                EpochAttestation.prototype.authenticatorHash = $util.newBuffer([]);
                EpochAttestation.prototype.demlsPastState = false;

                EpochAttestation.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.epoch != null && $Object.hasOwnProperty.call(message, "epoch") && (typeof message.epoch === "object" ? message.epoch.low || message.epoch.high : message.epoch !== 0))
                        writer.uint32(8).uint64(message.epoch);
                    if (message.commitHash != null && $Object.hasOwnProperty.call(message, "commitHash") && message.commitHash.length)
                        writer.uint32(18).bytes(message.commitHash);
                    if (message.memberId != null && $Object.hasOwnProperty.call(message, "memberId") && message.memberId.length)
                        writer.uint32(26).bytes(message.memberId);
                    if (message.stewardListEpoch != null && $Object.hasOwnProperty.call(message, "stewardListEpoch") && (typeof message.stewardListEpoch === "object" ? message.stewardListEpoch.low || message.stewardListEpoch.high : message.stewardListEpoch !== 0))
                        writer.uint32(32).uint64(message.stewardListEpoch);
                    if (message.stewardListRound != null && $Object.hasOwnProperty.call(message, "stewardListRound") && message.stewardListRound !== 0)
                        writer.uint32(40).uint32(message.stewardListRound);
                    if (message.signedAtMs != null && $Object.hasOwnProperty.call(message, "signedAtMs") && (typeof message.signedAtMs === "object" ? message.signedAtMs.low || message.signedAtMs.high : message.signedAtMs !== 0))
                        writer.uint32(48).uint64(message.signedAtMs);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(58).bytes(message.signature);
                    if (message.committer != null && $Object.hasOwnProperty.call(message, "committer") && message.committer.length)
                        writer.uint32(66).bytes(message.committer);
                    if (message.authenticatorHash != null && $Object.hasOwnProperty.call(message, "authenticatorHash") && message.authenticatorHash.length)
                        writer.uint32(74).bytes(message.authenticatorHash);
                    if (message.demlsPastState != null && $Object.hasOwnProperty.call(message, "demlsPastState") && message.demlsPastState !== false)
                        writer.uint32(80).bool(message.demlsPastState);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                EpochAttestation.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.EpochAttestation();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.epoch = value;
                                else
                                    delete message.epoch;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.commitHash = value;
                                else
                                    delete message.commitHash;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.memberId = value;
                                else
                                    delete message.memberId;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.stewardListEpoch = value;
                                else
                                    delete message.stewardListEpoch;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.stewardListRound = value;
                                else
                                    delete message.stewardListRound;
                                continue;
                            }
                        case 6: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.signedAtMs = value;
                                else
                                    delete message.signedAtMs;
                                continue;
                            }
                        case 7: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        case 8: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.committer = value;
                                else
                                    delete message.committer;
                                continue;
                            }
                        case 9: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.authenticatorHash = value;
                                else
                                    delete message.authenticatorHash;
                                continue;
                            }
                        case 10: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.bool())
                                    message.demlsPastState = value;
                                else
                                    delete message.demlsPastState;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return EpochAttestation;
            })();

            v1.CommitRequest = (function() {

                const CommitRequest = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                CommitRequest.prototype.fromEpoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                CommitRequest.prototype.memberId = $util.newBuffer([]);
                CommitRequest.prototype.commitHash = $util.newBuffer([]);
                CommitRequest.prototype.signedAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                CommitRequest.prototype.signature = $util.newBuffer([]);
                CommitRequest.prototype.demlsPastStates = false;

                CommitRequest.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.fromEpoch != null && $Object.hasOwnProperty.call(message, "fromEpoch") && (typeof message.fromEpoch === "object" ? message.fromEpoch.low || message.fromEpoch.high : message.fromEpoch !== 0))
                        writer.uint32(8).uint64(message.fromEpoch);
                    if (message.memberId != null && $Object.hasOwnProperty.call(message, "memberId") && message.memberId.length)
                        writer.uint32(18).bytes(message.memberId);
                    if (message.commitHash != null && $Object.hasOwnProperty.call(message, "commitHash") && message.commitHash.length)
                        writer.uint32(26).bytes(message.commitHash);
                    if (message.signedAtMs != null && $Object.hasOwnProperty.call(message, "signedAtMs") && (typeof message.signedAtMs === "object" ? message.signedAtMs.low || message.signedAtMs.high : message.signedAtMs !== 0))
                        writer.uint32(32).uint64(message.signedAtMs);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(42).bytes(message.signature);
                    if (message.demlsPastStates != null && $Object.hasOwnProperty.call(message, "demlsPastStates") && message.demlsPastStates !== false)
                        writer.uint32(48).bool(message.demlsPastStates);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                CommitRequest.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.CommitRequest();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.fromEpoch = value;
                                else
                                    delete message.fromEpoch;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.memberId = value;
                                else
                                    delete message.memberId;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.commitHash = value;
                                else
                                    delete message.commitHash;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.signedAtMs = value;
                                else
                                    delete message.signedAtMs;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        case 6: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.bool())
                                    message.demlsPastStates = value;
                                else
                                    delete message.demlsPastStates;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return CommitRequest;
            })();

            v1.CommitReplay = (function() {

                const CommitReplay = function (properties) {
                    this.certificates = [];
                    this.mergedBy = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                CommitReplay.prototype.fromEpoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                CommitReplay.prototype.candidate = null;
                CommitReplay.prototype.certificates = $util.emptyArray;
                CommitReplay.prototype.mergedBy = $util.emptyArray;

                CommitReplay.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.fromEpoch != null && $Object.hasOwnProperty.call(message, "fromEpoch") && (typeof message.fromEpoch === "object" ? message.fromEpoch.low || message.fromEpoch.high : message.fromEpoch !== 0))
                        writer.uint32(8).uint64(message.fromEpoch);
                    if (message.candidate != null && $Object.hasOwnProperty.call(message, "candidate"))
                        $root.de_mls.messages.v1.CommitCandidate.encode(message.candidate, writer.uint32(18).fork(), _depth + 1).ldelim();
                    if (message.certificates != null && message.certificates.length)
                        for (let i = 0; i < message.certificates.length; ++i)
                            $root.de_mls.messages.v1.ApprovalCertificate.encode(message.certificates[i], writer.uint32(26).fork(), _depth + 1).ldelim();
                    if (message.mergedBy != null && message.mergedBy.length)
                        for (let i = 0; i < message.mergedBy.length; ++i)
                            $root.de_mls.messages.v1.EpochAttestation.encode(message.mergedBy[i], writer.uint32(34).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                CommitReplay.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.CommitReplay();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.fromEpoch = value;
                                else
                                    delete message.fromEpoch;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                message.candidate = $root.de_mls.messages.v1.CommitCandidate.decode(reader, reader.size(), $undefined, _depth + 1, message.candidate);
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.certificates && message.certificates.length))
                                    message.certificates = [];
                                message.certificates.push($root.de_mls.messages.v1.ApprovalCertificate.decode(reader, reader.size(), $undefined, _depth + 1));
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.mergedBy && message.mergedBy.length))
                                    message.mergedBy = [];
                                message.mergedBy.push($root.de_mls.messages.v1.EpochAttestation.decode(reader, reader.size(), $undefined, _depth + 1));
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return CommitReplay;
            })();

            v1.ConversationMessage = (function() {

                const ConversationMessage = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                ConversationMessage.prototype.message = $util.newBuffer([]);
                ConversationMessage.prototype.sender = $util.newBuffer([]);
                ConversationMessage.prototype.conversationId = "";
                ConversationMessage.prototype.senderCredential = $util.newBuffer([]);

                ConversationMessage.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.message != null && $Object.hasOwnProperty.call(message, "message") && message.message.length)
                        writer.uint32(10).bytes(message.message);
                    if (message.sender != null && $Object.hasOwnProperty.call(message, "sender") && message.sender.length)
                        writer.uint32(18).bytes(message.sender);
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(26).string(message.conversationId);
                    if (message.senderCredential != null && $Object.hasOwnProperty.call(message, "senderCredential") && message.senderCredential.length)
                        writer.uint32(34).bytes(message.senderCredential);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                ConversationMessage.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.ConversationMessage();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.message = value;
                                else
                                    delete message.message;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.sender = value;
                                else
                                    delete message.sender;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.senderCredential = value;
                                else
                                    delete message.senderCredential;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return ConversationMessage;
            })();

            v1.BanRequest = (function() {

                const BanRequest = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                BanRequest.prototype.userToBan = $util.newBuffer([]);
                BanRequest.prototype.conversationId = "";

                BanRequest.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.userToBan != null && $Object.hasOwnProperty.call(message, "userToBan") && message.userToBan.length)
                        writer.uint32(10).bytes(message.userToBan);
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(18).string(message.conversationId);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                BanRequest.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.BanRequest();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.userToBan = value;
                                else
                                    delete message.userToBan;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return BanRequest;
            })();

            v1.TypeMembershipChange = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "Add"] = 0;
                return values;
            })();

            v1.EventMembershipChange = (function() {

                const EventMembershipChange = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                EventMembershipChange.prototype.conversationId = "";
                EventMembershipChange.prototype.member = $util.newBuffer([]);
                EventMembershipChange.prototype.changeType = 0;

                EventMembershipChange.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(10).string(message.conversationId);
                    if (message.member != null && $Object.hasOwnProperty.call(message, "member") && message.member.length)
                        writer.uint32(18).bytes(message.member);
                    if (message.changeType != null && $Object.hasOwnProperty.call(message, "changeType") && message.changeType !== 0)
                        writer.uint32(24).int32(message.changeType);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                EventMembershipChange.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.EventMembershipChange();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.member = value;
                                else
                                    delete message.member;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.int32())
                                    message.changeType = value;
                                else
                                    delete message.changeType;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return EventMembershipChange;
            })();

            v1.CommitCandidate = (function() {

                const CommitCandidate = function (properties) {
                    this.mlsProposals = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                CommitCandidate.prototype.conversationId = $util.newBuffer([]);
                CommitCandidate.prototype.mlsProposals = $util.emptyArray;
                CommitCandidate.prototype.commitMessage = $util.newBuffer([]);
                CommitCandidate.prototype.stewardMemberId = $util.newBuffer([]);
                CommitCandidate.prototype.demlsWelcome = $util.newBuffer([]);

                CommitCandidate.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId.length)
                        writer.uint32(10).bytes(message.conversationId);
                    if (message.mlsProposals != null && message.mlsProposals.length)
                        for (let i = 0; i < message.mlsProposals.length; ++i)
                            writer.uint32(18).bytes(message.mlsProposals[i]);
                    if (message.commitMessage != null && $Object.hasOwnProperty.call(message, "commitMessage") && message.commitMessage.length)
                        writer.uint32(26).bytes(message.commitMessage);
                    if (message.stewardMemberId != null && $Object.hasOwnProperty.call(message, "stewardMemberId") && message.stewardMemberId.length)
                        writer.uint32(34).bytes(message.stewardMemberId);
                    if (message.demlsWelcome != null && $Object.hasOwnProperty.call(message, "demlsWelcome") && message.demlsWelcome.length)
                        writer.uint32(802).bytes(message.demlsWelcome);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                CommitCandidate.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.CommitCandidate();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.mlsProposals && message.mlsProposals.length))
                                    message.mlsProposals = [];
                                message.mlsProposals.push(reader.bytes());
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.commitMessage = value;
                                else
                                    delete message.commitMessage;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.stewardMemberId = value;
                                else
                                    delete message.stewardMemberId;
                                continue;
                            }
                        case 100: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.demlsWelcome = value;
                                else
                                    delete message.demlsWelcome;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return CommitCandidate;
            })();

            v1.UserVote = (function() {

                const UserVote = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                UserVote.prototype.proposalId = 0;
                UserVote.prototype.vote = false;
                UserVote.prototype.conversationId = "";

                UserVote.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.proposalId != null && $Object.hasOwnProperty.call(message, "proposalId") && message.proposalId !== 0)
                        writer.uint32(8).uint32(message.proposalId);
                    if (message.vote != null && $Object.hasOwnProperty.call(message, "vote") && message.vote !== false)
                        writer.uint32(16).bool(message.vote);
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(26).string(message.conversationId);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                UserVote.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.UserVote();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.proposalId = value;
                                else
                                    delete message.proposalId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.bool())
                                    message.vote = value;
                                else
                                    delete message.vote;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return UserVote;
            })();

            v1.ProposalAdded = (function() {

                const ProposalAdded = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                ProposalAdded.prototype.conversationId = "";
                ProposalAdded.prototype.request = null;

                ProposalAdded.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(10).string(message.conversationId);
                    if (message.request != null && $Object.hasOwnProperty.call(message, "request"))
                        $root.de_mls.messages.v1.ConversationUpdateRequest.encode(message.request, writer.uint32(18).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                ProposalAdded.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.ProposalAdded();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                message.request = $root.de_mls.messages.v1.ConversationUpdateRequest.decode(reader, reader.size(), $undefined, _depth + 1, message.request);
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return ProposalAdded;
            })();

            v1.VotePayload = (function() {

                const VotePayload = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                VotePayload.prototype.conversationId = "";
                VotePayload.prototype.proposalId = 0;
                VotePayload.prototype.payload = $util.newBuffer([]);
                VotePayload.prototype.timestamp = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

                VotePayload.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(330).string(message.conversationId);
                    if (message.proposalId != null && $Object.hasOwnProperty.call(message, "proposalId") && message.proposalId !== 0)
                        writer.uint32(336).uint32(message.proposalId);
                    if (message.payload != null && $Object.hasOwnProperty.call(message, "payload") && message.payload.length)
                        writer.uint32(346).bytes(message.payload);
                    if (message.timestamp != null && $Object.hasOwnProperty.call(message, "timestamp") && (typeof message.timestamp === "object" ? message.timestamp.low || message.timestamp.high : message.timestamp !== 0))
                        writer.uint32(352).uint64(message.timestamp);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                VotePayload.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.VotePayload();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 41: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 42: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.proposalId = value;
                                else
                                    delete message.proposalId;
                                continue;
                            }
                        case 43: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.payload = value;
                                else
                                    delete message.payload;
                                continue;
                            }
                        case 44: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.timestamp = value;
                                else
                                    delete message.timestamp;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return VotePayload;
            })();

            v1.ConversationUpdateRequest = (function() {

                const ConversationUpdateRequest = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                ConversationUpdateRequest.prototype.memberInvite = null;
                ConversationUpdateRequest.prototype.removeMember = null;
                ConversationUpdateRequest.prototype.emergencyCriteria = null;
                ConversationUpdateRequest.prototype.stewardElection = null;

                let $oneOfFields;

                $Object.defineProperty(ConversationUpdateRequest.prototype, "payload", {
                    get: $util.oneOfGetter($oneOfFields = ["memberInvite", "removeMember", "emergencyCriteria", "stewardElection"]),
                    set: $util.oneOfSetter($oneOfFields)
                });

                ConversationUpdateRequest.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.memberInvite != null && $Object.hasOwnProperty.call(message, "memberInvite"))
                        $root.de_mls.messages.v1.MemberInvite.encode(message.memberInvite, writer.uint32(10).fork(), _depth + 1).ldelim();
                    if (message.removeMember != null && $Object.hasOwnProperty.call(message, "removeMember"))
                        $root.de_mls.messages.v1.RemoveMember.encode(message.removeMember, writer.uint32(18).fork(), _depth + 1).ldelim();
                    if (message.emergencyCriteria != null && $Object.hasOwnProperty.call(message, "emergencyCriteria"))
                        $root.de_mls.messages.v1.EmergencyCriteriaProposal.encode(message.emergencyCriteria, writer.uint32(26).fork(), _depth + 1).ldelim();
                    if (message.stewardElection != null && $Object.hasOwnProperty.call(message, "stewardElection"))
                        $root.de_mls.messages.v1.StewardElectionProposal.encode(message.stewardElection, writer.uint32(34).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                ConversationUpdateRequest.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.ConversationUpdateRequest();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                message.memberInvite = $root.de_mls.messages.v1.MemberInvite.decode(reader, reader.size(), $undefined, _depth + 1, message.memberInvite);
                                message.payload = "memberInvite";
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                message.removeMember = $root.de_mls.messages.v1.RemoveMember.decode(reader, reader.size(), $undefined, _depth + 1, message.removeMember);
                                message.payload = "removeMember";
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                message.emergencyCriteria = $root.de_mls.messages.v1.EmergencyCriteriaProposal.decode(reader, reader.size(), $undefined, _depth + 1, message.emergencyCriteria);
                                message.payload = "emergencyCriteria";
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                message.stewardElection = $root.de_mls.messages.v1.StewardElectionProposal.decode(reader, reader.size(), $undefined, _depth + 1, message.stewardElection);
                                message.payload = "stewardElection";
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return ConversationUpdateRequest;
            })();

            v1.StewardElectionProposal = (function() {

                const StewardElectionProposal = function (properties) {
                    this.proposedStewards = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                StewardElectionProposal.prototype.proposedStewards = $util.emptyArray;
                StewardElectionProposal.prototype.electionEpoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                StewardElectionProposal.prototype.retryRound = 0;

                StewardElectionProposal.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.proposedStewards != null && message.proposedStewards.length)
                        for (let i = 0; i < message.proposedStewards.length; ++i)
                            writer.uint32(10).bytes(message.proposedStewards[i]);
                    if (message.electionEpoch != null && $Object.hasOwnProperty.call(message, "electionEpoch") && (typeof message.electionEpoch === "object" ? message.electionEpoch.low || message.electionEpoch.high : message.electionEpoch !== 0))
                        writer.uint32(16).uint64(message.electionEpoch);
                    if (message.retryRound != null && $Object.hasOwnProperty.call(message, "retryRound") && message.retryRound !== 0)
                        writer.uint32(24).uint32(message.retryRound);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                StewardElectionProposal.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.StewardElectionProposal();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.proposedStewards && message.proposedStewards.length))
                                    message.proposedStewards = [];
                                message.proposedStewards.push(reader.bytes());
                                continue;
                            }
                        case 2: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.electionEpoch = value;
                                else
                                    delete message.electionEpoch;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.retryRound = value;
                                else
                                    delete message.retryRound;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return StewardElectionProposal;
            })();

            v1.ViolationType = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "VIOLATION_UNSPECIFIED"] = 0;
                values[valuesById[1] = "BROKEN_COMMIT"] = 1;
                values[valuesById[2] = "BROKEN_MLS_PROPOSAL"] = 2;
                values[valuesById[3] = "CENSORSHIP_INACTIVITY"] = 3;
                values[valuesById[4] = "SCORE_BELOW_THRESHOLD"] = 4;
                values[valuesById[5] = "DEADLOCK"] = 5;
                values[valuesById[6] = "MISBEHAVING_COMMIT"] = 6;
                return values;
            })();

            v1.ViolationEvidence = (function() {

                const ViolationEvidence = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                ViolationEvidence.prototype.violationType = 0;
                ViolationEvidence.prototype.targetMemberId = $util.newBuffer([]);
                ViolationEvidence.prototype.evidencePayload = $util.newBuffer([]);
                ViolationEvidence.prototype.epoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                ViolationEvidence.prototype.creatorMemberId = $util.newBuffer([]);

                ViolationEvidence.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.violationType != null && $Object.hasOwnProperty.call(message, "violationType") && message.violationType !== 0)
                        writer.uint32(8).int32(message.violationType);
                    if (message.targetMemberId != null && $Object.hasOwnProperty.call(message, "targetMemberId") && message.targetMemberId.length)
                        writer.uint32(18).bytes(message.targetMemberId);
                    if (message.evidencePayload != null && $Object.hasOwnProperty.call(message, "evidencePayload") && message.evidencePayload.length)
                        writer.uint32(26).bytes(message.evidencePayload);
                    if (message.epoch != null && $Object.hasOwnProperty.call(message, "epoch") && (typeof message.epoch === "object" ? message.epoch.low || message.epoch.high : message.epoch !== 0))
                        writer.uint32(32).uint64(message.epoch);
                    if (message.creatorMemberId != null && $Object.hasOwnProperty.call(message, "creatorMemberId") && message.creatorMemberId.length)
                        writer.uint32(42).bytes(message.creatorMemberId);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                ViolationEvidence.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.ViolationEvidence();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.int32())
                                    message.violationType = value;
                                else
                                    delete message.violationType;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.targetMemberId = value;
                                else
                                    delete message.targetMemberId;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.evidencePayload = value;
                                else
                                    delete message.evidencePayload;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.epoch = value;
                                else
                                    delete message.epoch;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.creatorMemberId = value;
                                else
                                    delete message.creatorMemberId;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return ViolationEvidence;
            })();

            v1.EmergencyCriteriaProposal = (function() {

                const EmergencyCriteriaProposal = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                EmergencyCriteriaProposal.prototype.evidence = null;

                EmergencyCriteriaProposal.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.evidence != null && $Object.hasOwnProperty.call(message, "evidence"))
                        $root.de_mls.messages.v1.ViolationEvidence.encode(message.evidence, writer.uint32(10).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                EmergencyCriteriaProposal.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.EmergencyCriteriaProposal();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                message.evidence = $root.de_mls.messages.v1.ViolationEvidence.decode(reader, reader.size(), $undefined, _depth + 1, message.evidence);
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return EmergencyCriteriaProposal;
            })();

            v1.MemberInvite = (function() {

                const MemberInvite = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                MemberInvite.prototype.keyPackageBytes = $util.newBuffer([]);
                MemberInvite.prototype.memberId = $util.newBuffer([]);
                MemberInvite.prototype.demlsInvitation = null;
                MemberInvite.prototype.demlsLinkProof = null;
                MemberInvite.prototype.demlsBlsBinding = null;

                MemberInvite.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.keyPackageBytes != null && $Object.hasOwnProperty.call(message, "keyPackageBytes") && message.keyPackageBytes.length)
                        writer.uint32(10).bytes(message.keyPackageBytes);
                    if (message.memberId != null && $Object.hasOwnProperty.call(message, "memberId") && message.memberId.length)
                        writer.uint32(18).bytes(message.memberId);
                    if (message.demlsInvitation != null && $Object.hasOwnProperty.call(message, "demlsInvitation"))
                        $root.de_mls.messages.v1.MemberInvitation.encode(message.demlsInvitation, writer.uint32(802).fork(), _depth + 1).ldelim();
                    if (message.demlsLinkProof != null && $Object.hasOwnProperty.call(message, "demlsLinkProof"))
                        $root.de_mls.messages.v1.InviteLinkProof.encode(message.demlsLinkProof, writer.uint32(810).fork(), _depth + 1).ldelim();
                    if (message.demlsBlsBinding != null && $Object.hasOwnProperty.call(message, "demlsBlsBinding"))
                        $root.de_mls.messages.v1.DemlsBlsBinding.encode(message.demlsBlsBinding, writer.uint32(818).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                MemberInvite.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.MemberInvite();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.keyPackageBytes = value;
                                else
                                    delete message.keyPackageBytes;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.memberId = value;
                                else
                                    delete message.memberId;
                                continue;
                            }
                        case 100: {
                                if (wireType !== 2)
                                    break;
                                message.demlsInvitation = $root.de_mls.messages.v1.MemberInvitation.decode(reader, reader.size(), $undefined, _depth + 1, message.demlsInvitation);
                                continue;
                            }
                        case 101: {
                                if (wireType !== 2)
                                    break;
                                message.demlsLinkProof = $root.de_mls.messages.v1.InviteLinkProof.decode(reader, reader.size(), $undefined, _depth + 1, message.demlsLinkProof);
                                continue;
                            }
                        case 102: {
                                if (wireType !== 2)
                                    break;
                                message.demlsBlsBinding = $root.de_mls.messages.v1.DemlsBlsBinding.decode(reader, reader.size(), $undefined, _depth + 1, message.demlsBlsBinding);
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return MemberInvite;
            })();

            v1.DemlsBlsBinding = (function() {

                const DemlsBlsBinding = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                DemlsBlsBinding.prototype.keyBinding = $util.newBuffer([]);

                DemlsBlsBinding.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.keyBinding != null && $Object.hasOwnProperty.call(message, "keyBinding") && message.keyBinding.length)
                        writer.uint32(10).bytes(message.keyBinding);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                DemlsBlsBinding.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.DemlsBlsBinding();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.keyBinding = value;
                                else
                                    delete message.keyBinding;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return DemlsBlsBinding;
            })();

            v1.RemoveMember = (function() {

                const RemoveMember = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                RemoveMember.prototype.memberId = $util.newBuffer([]);

                RemoveMember.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.memberId != null && $Object.hasOwnProperty.call(message, "memberId") && message.memberId.length)
                        writer.uint32(10).bytes(message.memberId);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                RemoveMember.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.RemoveMember();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.memberId = value;
                                else
                                    delete message.memberId;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return RemoveMember;
            })();

            v1.MemberWelcome = (function() {

                const MemberWelcome = function (properties) {
                    this.joinerIdentities = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                MemberWelcome.prototype.welcomeBytes = $util.newBuffer([]);
                MemberWelcome.prototype.conversationSyncBytes = $util.newBuffer([]);
                MemberWelcome.prototype.joinerIdentities = $util.emptyArray;

                MemberWelcome.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.welcomeBytes != null && $Object.hasOwnProperty.call(message, "welcomeBytes") && message.welcomeBytes.length)
                        writer.uint32(10).bytes(message.welcomeBytes);
                    if (message.conversationSyncBytes != null && $Object.hasOwnProperty.call(message, "conversationSyncBytes") && message.conversationSyncBytes.length)
                        writer.uint32(18).bytes(message.conversationSyncBytes);
                    if (message.joinerIdentities != null && message.joinerIdentities.length)
                        for (let i = 0; i < message.joinerIdentities.length; ++i)
                            writer.uint32(26).bytes(message.joinerIdentities[i]);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                MemberWelcome.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.MemberWelcome();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.welcomeBytes = value;
                                else
                                    delete message.welcomeBytes;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.conversationSyncBytes = value;
                                else
                                    delete message.conversationSyncBytes;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.joinerIdentities && message.joinerIdentities.length))
                                    message.joinerIdentities = [];
                                message.joinerIdentities.push(reader.bytes());
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return MemberWelcome;
            })();

            v1.ConversationSync = (function() {

                const ConversationSync = function (properties) {
                    this.stewardMembers = [];
                    this.peerScores = [];
                    this.demlsPlugins = [];
                    this.demlsInvitations = [];
                    this.demlsInviteLinks = [];
                    this.demlsLinkRevocations = [];
                    this.demlsBlsBindings = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                ConversationSync.prototype.stewardMembers = $util.emptyArray;
                ConversationSync.prototype.electionEpoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                ConversationSync.prototype.snMin = 0;
                ConversationSync.prototype.snMax = 0;
                ConversationSync.prototype.allowSubsetCandidates = false;
                ConversationSync.prototype.peerScores = $util.emptyArray;
                ConversationSync.prototype.timing = null;
                ConversationSync.prototype.retryRound = 0;
                ConversationSync.prototype.maxReelectionAttempts = 0;
                ConversationSync.prototype.livenessCriteriaYes = false;
                ConversationSync.prototype.thresholdPeerScore = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
                ConversationSync.prototype.pendingUpdateMaxEpochs = 0;
                ConversationSync.prototype.demlsPlugins = $util.emptyArray;
                ConversationSync.prototype.demlsAdmission = 0;
                ConversationSync.prototype.demlsInvitations = $util.emptyArray;
                ConversationSync.prototype.demlsInviteLinks = $util.emptyArray;
                ConversationSync.prototype.demlsLinkRevocations = $util.emptyArray;
                ConversationSync.prototype.demlsBlsBindings = $util.emptyArray;

                ConversationSync.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.stewardMembers != null && message.stewardMembers.length)
                        for (let i = 0; i < message.stewardMembers.length; ++i)
                            writer.uint32(10).bytes(message.stewardMembers[i]);
                    if (message.electionEpoch != null && $Object.hasOwnProperty.call(message, "electionEpoch") && (typeof message.electionEpoch === "object" ? message.electionEpoch.low || message.electionEpoch.high : message.electionEpoch !== 0))
                        writer.uint32(16).uint64(message.electionEpoch);
                    if (message.snMin != null && $Object.hasOwnProperty.call(message, "snMin") && message.snMin !== 0)
                        writer.uint32(24).uint32(message.snMin);
                    if (message.snMax != null && $Object.hasOwnProperty.call(message, "snMax") && message.snMax !== 0)
                        writer.uint32(32).uint32(message.snMax);
                    if (message.allowSubsetCandidates != null && $Object.hasOwnProperty.call(message, "allowSubsetCandidates") && message.allowSubsetCandidates !== false)
                        writer.uint32(40).bool(message.allowSubsetCandidates);
                    if (message.peerScores != null && message.peerScores.length)
                        for (let i = 0; i < message.peerScores.length; ++i)
                            $root.de_mls.messages.v1.PeerScore.encode(message.peerScores[i], writer.uint32(50).fork(), _depth + 1).ldelim();
                    if (message.timing != null && $Object.hasOwnProperty.call(message, "timing"))
                        $root.de_mls.messages.v1.TimingConfig.encode(message.timing, writer.uint32(58).fork(), _depth + 1).ldelim();
                    if (message.retryRound != null && $Object.hasOwnProperty.call(message, "retryRound") && message.retryRound !== 0)
                        writer.uint32(64).uint32(message.retryRound);
                    if (message.maxReelectionAttempts != null && $Object.hasOwnProperty.call(message, "maxReelectionAttempts") && message.maxReelectionAttempts !== 0)
                        writer.uint32(72).uint32(message.maxReelectionAttempts);
                    if (message.livenessCriteriaYes != null && $Object.hasOwnProperty.call(message, "livenessCriteriaYes") && message.livenessCriteriaYes !== false)
                        writer.uint32(80).bool(message.livenessCriteriaYes);
                    if (message.thresholdPeerScore != null && $Object.hasOwnProperty.call(message, "thresholdPeerScore") && (typeof message.thresholdPeerScore === "object" ? message.thresholdPeerScore.low || message.thresholdPeerScore.high : message.thresholdPeerScore !== 0))
                        writer.uint32(88).int64(message.thresholdPeerScore);
                    if (message.pendingUpdateMaxEpochs != null && $Object.hasOwnProperty.call(message, "pendingUpdateMaxEpochs") && message.pendingUpdateMaxEpochs !== 0)
                        writer.uint32(96).uint32(message.pendingUpdateMaxEpochs);
                    if (message.demlsPlugins != null && message.demlsPlugins.length)
                        for (let i = 0; i < message.demlsPlugins.length; ++i)
                            $root.de_mls.messages.v1.PluginVersion.encode(message.demlsPlugins[i], writer.uint32(802).fork(), _depth + 1).ldelim();
                    if (message.demlsAdmission != null && $Object.hasOwnProperty.call(message, "demlsAdmission") && message.demlsAdmission !== 0)
                        writer.uint32(880).int32(message.demlsAdmission);
                    if (message.demlsInvitations != null && message.demlsInvitations.length)
                        for (let i = 0; i < message.demlsInvitations.length; ++i)
                            $root.de_mls.messages.v1.MemberInvitation.encode(message.demlsInvitations[i], writer.uint32(890).fork(), _depth + 1).ldelim();
                    if (message.demlsInviteLinks != null && message.demlsInviteLinks.length)
                        for (let i = 0; i < message.demlsInviteLinks.length; ++i)
                            $root.de_mls.messages.v1.InviteLinkState.encode(message.demlsInviteLinks[i], writer.uint32(898).fork(), _depth + 1).ldelim();
                    if (message.demlsLinkRevocations != null && message.demlsLinkRevocations.length)
                        for (let i = 0; i < message.demlsLinkRevocations.length; ++i)
                            $root.de_mls.messages.v1.InviteLinkRevocation.encode(message.demlsLinkRevocations[i], writer.uint32(906).fork(), _depth + 1).ldelim();
                    if (message.demlsBlsBindings != null && message.demlsBlsBindings.length)
                        for (let i = 0; i < message.demlsBlsBindings.length; ++i)
                            writer.uint32(914).bytes(message.demlsBlsBindings[i]);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                ConversationSync.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.ConversationSync();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.stewardMembers && message.stewardMembers.length))
                                    message.stewardMembers = [];
                                message.stewardMembers.push(reader.bytes());
                                continue;
                            }
                        case 2: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.electionEpoch = value;
                                else
                                    delete message.electionEpoch;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.snMin = value;
                                else
                                    delete message.snMin;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.snMax = value;
                                else
                                    delete message.snMax;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.bool())
                                    message.allowSubsetCandidates = value;
                                else
                                    delete message.allowSubsetCandidates;
                                continue;
                            }
                        case 6: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.peerScores && message.peerScores.length))
                                    message.peerScores = [];
                                message.peerScores.push($root.de_mls.messages.v1.PeerScore.decode(reader, reader.size(), $undefined, _depth + 1));
                                continue;
                            }
                        case 7: {
                                if (wireType !== 2)
                                    break;
                                message.timing = $root.de_mls.messages.v1.TimingConfig.decode(reader, reader.size(), $undefined, _depth + 1, message.timing);
                                continue;
                            }
                        case 8: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.retryRound = value;
                                else
                                    delete message.retryRound;
                                continue;
                            }
                        case 9: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.maxReelectionAttempts = value;
                                else
                                    delete message.maxReelectionAttempts;
                                continue;
                            }
                        case 10: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.bool())
                                    message.livenessCriteriaYes = value;
                                else
                                    delete message.livenessCriteriaYes;
                                continue;
                            }
                        case 11: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                    message.thresholdPeerScore = value;
                                else
                                    delete message.thresholdPeerScore;
                                continue;
                            }
                        case 12: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.pendingUpdateMaxEpochs = value;
                                else
                                    delete message.pendingUpdateMaxEpochs;
                                continue;
                            }
                        case 100: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.demlsPlugins && message.demlsPlugins.length))
                                    message.demlsPlugins = [];
                                message.demlsPlugins.push($root.de_mls.messages.v1.PluginVersion.decode(reader, reader.size(), $undefined, _depth + 1));
                                continue;
                            }
                        case 110: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.int32())
                                    message.demlsAdmission = value;
                                else
                                    delete message.demlsAdmission;
                                continue;
                            }
                        case 111: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.demlsInvitations && message.demlsInvitations.length))
                                    message.demlsInvitations = [];
                                message.demlsInvitations.push($root.de_mls.messages.v1.MemberInvitation.decode(reader, reader.size(), $undefined, _depth + 1));
                                continue;
                            }
                        case 112: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.demlsInviteLinks && message.demlsInviteLinks.length))
                                    message.demlsInviteLinks = [];
                                message.demlsInviteLinks.push($root.de_mls.messages.v1.InviteLinkState.decode(reader, reader.size(), $undefined, _depth + 1));
                                continue;
                            }
                        case 113: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.demlsLinkRevocations && message.demlsLinkRevocations.length))
                                    message.demlsLinkRevocations = [];
                                message.demlsLinkRevocations.push($root.de_mls.messages.v1.InviteLinkRevocation.decode(reader, reader.size(), $undefined, _depth + 1));
                                continue;
                            }
                        case 114: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.demlsBlsBindings && message.demlsBlsBindings.length))
                                    message.demlsBlsBindings = [];
                                message.demlsBlsBindings.push(reader.bytes());
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return ConversationSync;
            })();

            v1.DemlsAdmission = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "DEMLS_ADMISSION_UNSPECIFIED"] = 0;
                values[valuesById[1] = "DEMLS_ADMISSION_OPEN"] = 1;
                values[valuesById[2] = "DEMLS_ADMISSION_INVITE"] = 2;
                return values;
            })();

            v1.PluginVersion = (function() {

                const PluginVersion = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                PluginVersion.prototype.role = "";
                PluginVersion.prototype.id = "";
                PluginVersion.prototype.version = "";

                PluginVersion.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.role != null && $Object.hasOwnProperty.call(message, "role") && message.role !== "")
                        writer.uint32(10).string(message.role);
                    if (message.id != null && $Object.hasOwnProperty.call(message, "id") && message.id !== "")
                        writer.uint32(18).string(message.id);
                    if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== "")
                        writer.uint32(26).string(message.version);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                PluginVersion.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.PluginVersion();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.role = value;
                                else
                                    delete message.role;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.id = value;
                                else
                                    delete message.id;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.version = value;
                                else
                                    delete message.version;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return PluginVersion;
            })();

            v1.PeerScore = (function() {

                const PeerScore = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                PeerScore.prototype.memberId = $util.newBuffer([]);
                PeerScore.prototype.score = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

                PeerScore.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.memberId != null && $Object.hasOwnProperty.call(message, "memberId") && message.memberId.length)
                        writer.uint32(10).bytes(message.memberId);
                    if (message.score != null && $Object.hasOwnProperty.call(message, "score") && (typeof message.score === "object" ? message.score.low || message.score.high : message.score !== 0))
                        writer.uint32(16).int64(message.score);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                PeerScore.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.PeerScore();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.memberId = value;
                                else
                                    delete message.memberId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                    message.score = value;
                                else
                                    delete message.score;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return PeerScore;
            })();

            v1.TimingConfig = (function() {

                const TimingConfig = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                TimingConfig.prototype.commitInactivityDurationMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                TimingConfig.prototype.freezeDurationMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                TimingConfig.prototype.proposalExpirationMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                TimingConfig.prototype.consensusTimeoutMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                TimingConfig.prototype.recoveryInactivityDurationMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                TimingConfig.prototype.votingInactivityDurationMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

                TimingConfig.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.commitInactivityDurationMs != null && $Object.hasOwnProperty.call(message, "commitInactivityDurationMs") && (typeof message.commitInactivityDurationMs === "object" ? message.commitInactivityDurationMs.low || message.commitInactivityDurationMs.high : message.commitInactivityDurationMs !== 0))
                        writer.uint32(8).uint64(message.commitInactivityDurationMs);
                    if (message.freezeDurationMs != null && $Object.hasOwnProperty.call(message, "freezeDurationMs") && (typeof message.freezeDurationMs === "object" ? message.freezeDurationMs.low || message.freezeDurationMs.high : message.freezeDurationMs !== 0))
                        writer.uint32(16).uint64(message.freezeDurationMs);
                    if (message.proposalExpirationMs != null && $Object.hasOwnProperty.call(message, "proposalExpirationMs") && (typeof message.proposalExpirationMs === "object" ? message.proposalExpirationMs.low || message.proposalExpirationMs.high : message.proposalExpirationMs !== 0))
                        writer.uint32(24).uint64(message.proposalExpirationMs);
                    if (message.consensusTimeoutMs != null && $Object.hasOwnProperty.call(message, "consensusTimeoutMs") && (typeof message.consensusTimeoutMs === "object" ? message.consensusTimeoutMs.low || message.consensusTimeoutMs.high : message.consensusTimeoutMs !== 0))
                        writer.uint32(32).uint64(message.consensusTimeoutMs);
                    if (message.recoveryInactivityDurationMs != null && $Object.hasOwnProperty.call(message, "recoveryInactivityDurationMs") && (typeof message.recoveryInactivityDurationMs === "object" ? message.recoveryInactivityDurationMs.low || message.recoveryInactivityDurationMs.high : message.recoveryInactivityDurationMs !== 0))
                        writer.uint32(40).uint64(message.recoveryInactivityDurationMs);
                    if (message.votingInactivityDurationMs != null && $Object.hasOwnProperty.call(message, "votingInactivityDurationMs") && (typeof message.votingInactivityDurationMs === "object" ? message.votingInactivityDurationMs.low || message.votingInactivityDurationMs.high : message.votingInactivityDurationMs !== 0))
                        writer.uint32(48).uint64(message.votingInactivityDurationMs);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                TimingConfig.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.TimingConfig();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.commitInactivityDurationMs = value;
                                else
                                    delete message.commitInactivityDurationMs;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.freezeDurationMs = value;
                                else
                                    delete message.freezeDurationMs;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.proposalExpirationMs = value;
                                else
                                    delete message.proposalExpirationMs;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.consensusTimeoutMs = value;
                                else
                                    delete message.consensusTimeoutMs;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.recoveryInactivityDurationMs = value;
                                else
                                    delete message.recoveryInactivityDurationMs;
                                continue;
                            }
                        case 6: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.votingInactivityDurationMs = value;
                                else
                                    delete message.votingInactivityDurationMs;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return TimingConfig;
            })();

            v1.Outcome = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "OUTCOME_UNSPECIFIED"] = 0;
                values[valuesById[1] = "OUTCOME_ACCEPTED"] = 1;
                values[valuesById[2] = "OUTCOME_REJECTED"] = 2;
                return values;
            })();

            v1.WelcomeSubtopicEnvelope = (function() {

                const WelcomeSubtopicEnvelope = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                WelcomeSubtopicEnvelope.prototype.welcome = null;

                WelcomeSubtopicEnvelope.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.welcome != null && $Object.hasOwnProperty.call(message, "welcome"))
                        $root.de_mls.messages.v1.MemberWelcome.encode(message.welcome, writer.uint32(18).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                WelcomeSubtopicEnvelope.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.de_mls.messages.v1.WelcomeSubtopicEnvelope();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                message.welcome = $root.de_mls.messages.v1.MemberWelcome.decode(reader, reader.size(), $undefined, _depth + 1, message.welcome);
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return WelcomeSubtopicEnvelope;
            })();

            return v1;
        })();

        return messages;
    })();

    return de_mls;
})();

export const demls = $root.demls = (() => {

    const demls = {};

    demls.transport = (function() {

        const transport = {};

        transport.v1 = (function() {

            const v1 = {};

            v1.Subtopic = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "SUBTOPIC_UNSPECIFIED"] = 0;
                values[valuesById[1] = "SUBTOPIC_APP"] = 1;
                values[valuesById[2] = "SUBTOPIC_WELCOME"] = 2;
                values[valuesById[100] = "SUBTOPIC_DEMLS_VOTES"] = 100;
                return values;
            })();

            v1.Envelope = (function() {

                const Envelope = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                Envelope.prototype.version = 0;
                Envelope.prototype.conversationId = "";
                Envelope.prototype.subtopic = 0;
                Envelope.prototype.senderAppId = $util.newBuffer([]);
                Envelope.prototype.payload = $util.newBuffer([]);
                Envelope.prototype.sequence = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

                Envelope.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                        writer.uint32(8).uint32(message.version);
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(18).string(message.conversationId);
                    if (message.subtopic != null && $Object.hasOwnProperty.call(message, "subtopic") && message.subtopic !== 0)
                        writer.uint32(24).int32(message.subtopic);
                    if (message.senderAppId != null && $Object.hasOwnProperty.call(message, "senderAppId") && message.senderAppId.length)
                        writer.uint32(34).bytes(message.senderAppId);
                    if (message.payload != null && $Object.hasOwnProperty.call(message, "payload") && message.payload.length)
                        writer.uint32(42).bytes(message.payload);
                    if (message.sequence != null && $Object.hasOwnProperty.call(message, "sequence") && (typeof message.sequence === "object" ? message.sequence.low || message.sequence.high : message.sequence !== 0))
                        writer.uint32(48).uint64(message.sequence);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                Envelope.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.demls.transport.v1.Envelope();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.version = value;
                                else
                                    delete message.version;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.int32())
                                    message.subtopic = value;
                                else
                                    delete message.subtopic;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.senderAppId = value;
                                else
                                    delete message.senderAppId;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.payload = value;
                                else
                                    delete message.payload;
                                continue;
                            }
                        case 6: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.sequence = value;
                                else
                                    delete message.sequence;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return Envelope;
            })();

            v1.WelcomeChannelMessage = (function() {

                const WelcomeChannelMessage = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                WelcomeChannelMessage.prototype.welcome = null;
                WelcomeChannelMessage.prototype.keyPackage = null;
                WelcomeChannelMessage.prototype.joinProbe = null;
                WelcomeChannelMessage.prototype.joinBeacon = null;
                WelcomeChannelMessage.prototype.joinStatus = null;
                WelcomeChannelMessage.prototype.demlsKnock = null;
                WelcomeChannelMessage.prototype.demlsKnockAnswer = null;

                let $oneOfFields;

                $Object.defineProperty(WelcomeChannelMessage.prototype, "body", {
                    get: $util.oneOfGetter($oneOfFields = ["welcome", "keyPackage", "joinProbe", "joinBeacon", "joinStatus", "demlsKnock", "demlsKnockAnswer"]),
                    set: $util.oneOfSetter($oneOfFields)
                });

                WelcomeChannelMessage.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.welcome != null && $Object.hasOwnProperty.call(message, "welcome"))
                        $root.de_mls.messages.v1.MemberWelcome.encode(message.welcome, writer.uint32(18).fork(), _depth + 1).ldelim();
                    if (message.keyPackage != null && $Object.hasOwnProperty.call(message, "keyPackage"))
                        $root.de_mls.messages.v1.MemberInvite.encode(message.keyPackage, writer.uint32(82).fork(), _depth + 1).ldelim();
                    if (message.joinProbe != null && $Object.hasOwnProperty.call(message, "joinProbe"))
                        $root.demls.transport.v1.JoinProbe.encode(message.joinProbe, writer.uint32(90).fork(), _depth + 1).ldelim();
                    if (message.joinBeacon != null && $Object.hasOwnProperty.call(message, "joinBeacon"))
                        $root.demls.transport.v1.JoinBeacon.encode(message.joinBeacon, writer.uint32(98).fork(), _depth + 1).ldelim();
                    if (message.joinStatus != null && $Object.hasOwnProperty.call(message, "joinStatus"))
                        $root.demls.transport.v1.JoinStatus.encode(message.joinStatus, writer.uint32(106).fork(), _depth + 1).ldelim();
                    if (message.demlsKnock != null && $Object.hasOwnProperty.call(message, "demlsKnock"))
                        $root.demls.transport.v1.Knock.encode(message.demlsKnock, writer.uint32(802).fork(), _depth + 1).ldelim();
                    if (message.demlsKnockAnswer != null && $Object.hasOwnProperty.call(message, "demlsKnockAnswer"))
                        $root.demls.transport.v1.KnockAnswer.encode(message.demlsKnockAnswer, writer.uint32(810).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                WelcomeChannelMessage.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.demls.transport.v1.WelcomeChannelMessage();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                message.welcome = $root.de_mls.messages.v1.MemberWelcome.decode(reader, reader.size(), $undefined, _depth + 1, message.welcome);
                                message.body = "welcome";
                                continue;
                            }
                        case 10: {
                                if (wireType !== 2)
                                    break;
                                message.keyPackage = $root.de_mls.messages.v1.MemberInvite.decode(reader, reader.size(), $undefined, _depth + 1, message.keyPackage);
                                message.body = "keyPackage";
                                continue;
                            }
                        case 11: {
                                if (wireType !== 2)
                                    break;
                                message.joinProbe = $root.demls.transport.v1.JoinProbe.decode(reader, reader.size(), $undefined, _depth + 1, message.joinProbe);
                                message.body = "joinProbe";
                                continue;
                            }
                        case 12: {
                                if (wireType !== 2)
                                    break;
                                message.joinBeacon = $root.demls.transport.v1.JoinBeacon.decode(reader, reader.size(), $undefined, _depth + 1, message.joinBeacon);
                                message.body = "joinBeacon";
                                continue;
                            }
                        case 13: {
                                if (wireType !== 2)
                                    break;
                                message.joinStatus = $root.demls.transport.v1.JoinStatus.decode(reader, reader.size(), $undefined, _depth + 1, message.joinStatus);
                                message.body = "joinStatus";
                                continue;
                            }
                        case 100: {
                                if (wireType !== 2)
                                    break;
                                message.demlsKnock = $root.demls.transport.v1.Knock.decode(reader, reader.size(), $undefined, _depth + 1, message.demlsKnock);
                                message.body = "demlsKnock";
                                continue;
                            }
                        case 101: {
                                if (wireType !== 2)
                                    break;
                                message.demlsKnockAnswer = $root.demls.transport.v1.KnockAnswer.decode(reader, reader.size(), $undefined, _depth + 1, message.demlsKnockAnswer);
                                message.body = "demlsKnockAnswer";
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return WelcomeChannelMessage;
            })();

            v1.JoinProbe = (function() {

                const JoinProbe = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                JoinProbe.prototype.memberId = $util.newBuffer([]);
                JoinProbe.prototype.nonce = $util.newBuffer([]);
                JoinProbe.prototype.sentAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

                JoinProbe.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.memberId != null && $Object.hasOwnProperty.call(message, "memberId") && message.memberId.length)
                        writer.uint32(10).bytes(message.memberId);
                    if (message.nonce != null && $Object.hasOwnProperty.call(message, "nonce") && message.nonce.length)
                        writer.uint32(18).bytes(message.nonce);
                    if (message.sentAtMs != null && $Object.hasOwnProperty.call(message, "sentAtMs") && (typeof message.sentAtMs === "object" ? message.sentAtMs.low || message.sentAtMs.high : message.sentAtMs !== 0))
                        writer.uint32(24).uint64(message.sentAtMs);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                JoinProbe.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.demls.transport.v1.JoinProbe();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.memberId = value;
                                else
                                    delete message.memberId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.nonce = value;
                                else
                                    delete message.nonce;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.sentAtMs = value;
                                else
                                    delete message.sentAtMs;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return JoinProbe;
            })();

            v1.JoinBeacon = (function() {

                const JoinBeacon = function (properties) {
                    this.plugins = [];
                    this.moreNonces = [];
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                JoinBeacon.prototype.conversationId = "";
                JoinBeacon.prototype.epoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                JoinBeacon.prototype.epochSteward = $util.newBuffer([]);
                JoinBeacon.prototype.responder = $util.newBuffer([]);
                JoinBeacon.prototype.memberCount = 0;
                JoinBeacon.prototype.nonce = $util.newBuffer([]);
                JoinBeacon.prototype.signedAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                JoinBeacon.prototype.signature = $util.newBuffer([]);
                JoinBeacon.prototype.plugins = $util.emptyArray;
                JoinBeacon.prototype.moreNonces = $util.emptyArray;

                JoinBeacon.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(10).string(message.conversationId);
                    if (message.epoch != null && $Object.hasOwnProperty.call(message, "epoch") && (typeof message.epoch === "object" ? message.epoch.low || message.epoch.high : message.epoch !== 0))
                        writer.uint32(16).uint64(message.epoch);
                    if (message.epochSteward != null && $Object.hasOwnProperty.call(message, "epochSteward") && message.epochSteward.length)
                        writer.uint32(26).bytes(message.epochSteward);
                    if (message.responder != null && $Object.hasOwnProperty.call(message, "responder") && message.responder.length)
                        writer.uint32(34).bytes(message.responder);
                    if (message.memberCount != null && $Object.hasOwnProperty.call(message, "memberCount") && message.memberCount !== 0)
                        writer.uint32(40).uint32(message.memberCount);
                    if (message.nonce != null && $Object.hasOwnProperty.call(message, "nonce") && message.nonce.length)
                        writer.uint32(50).bytes(message.nonce);
                    if (message.signedAtMs != null && $Object.hasOwnProperty.call(message, "signedAtMs") && (typeof message.signedAtMs === "object" ? message.signedAtMs.low || message.signedAtMs.high : message.signedAtMs !== 0))
                        writer.uint32(56).uint64(message.signedAtMs);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(66).bytes(message.signature);
                    if (message.plugins != null && message.plugins.length)
                        for (let i = 0; i < message.plugins.length; ++i)
                            $root.de_mls.messages.v1.PluginVersion.encode(message.plugins[i], writer.uint32(74).fork(), _depth + 1).ldelim();
                    if (message.moreNonces != null && message.moreNonces.length)
                        for (let i = 0; i < message.moreNonces.length; ++i)
                            writer.uint32(82).bytes(message.moreNonces[i]);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                JoinBeacon.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.demls.transport.v1.JoinBeacon();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.epoch = value;
                                else
                                    delete message.epoch;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.epochSteward = value;
                                else
                                    delete message.epochSteward;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.responder = value;
                                else
                                    delete message.responder;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.memberCount = value;
                                else
                                    delete message.memberCount;
                                continue;
                            }
                        case 6: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.nonce = value;
                                else
                                    delete message.nonce;
                                continue;
                            }
                        case 7: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.signedAtMs = value;
                                else
                                    delete message.signedAtMs;
                                continue;
                            }
                        case 8: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        case 9: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.plugins && message.plugins.length))
                                    message.plugins = [];
                                message.plugins.push($root.de_mls.messages.v1.PluginVersion.decode(reader, reader.size(), $undefined, _depth + 1));
                                continue;
                            }
                        case 10: {
                                if (wireType !== 2)
                                    break;
                                if (!(message.moreNonces && message.moreNonces.length))
                                    message.moreNonces = [];
                                message.moreNonces.push(reader.bytes());
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return JoinBeacon;
            })();

            v1.JoinStatusKind = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "JOIN_STATUS_UNSPECIFIED"] = 0;
                values[valuesById[1] = "JOIN_STATUS_ACKED"] = 1;
                values[valuesById[2] = "JOIN_STATUS_ADMITTED"] = 2;
                values[valuesById[3] = "JOIN_STATUS_REJECTED"] = 3;
                return values;
            })();

            v1.JoinRejectReason = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "JOIN_REJECT_REASON_UNSPECIFIED"] = 0;
                values[valuesById[1] = "JOIN_REJECT_REASON_NOT_INVITED"] = 1;
                values[valuesById[2] = "JOIN_REJECT_REASON_VOTED_NO"] = 2;
                values[valuesById[3] = "JOIN_REJECT_REASON_KEY_PACKAGE_EXPIRED"] = 3;
                values[valuesById[4] = "JOIN_REJECT_REASON_LINK_SPENT"] = 4;
                values[valuesById[5] = "JOIN_REJECT_REASON_LINK_EXPIRED"] = 5;
                values[valuesById[6] = "JOIN_REJECT_REASON_LINK_REVOKED"] = 6;
                values[valuesById[7] = "JOIN_REJECT_REASON_LINK_INVALID"] = 7;
                return values;
            })();

            v1.InviteLink = (function() {

                const InviteLink = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                InviteLink.prototype.version = 0;
                InviteLink.prototype.conversationId = "";
                InviteLink.prototype.secret = $util.newBuffer([]);
                InviteLink.prototype.record = null;

                InviteLink.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                        writer.uint32(8).uint32(message.version);
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(18).string(message.conversationId);
                    if (message.secret != null && $Object.hasOwnProperty.call(message, "secret") && message.secret.length)
                        writer.uint32(26).bytes(message.secret);
                    if (message.record != null && $Object.hasOwnProperty.call(message, "record"))
                        $root.de_mls.messages.v1.InviteLinkRecord.encode(message.record, writer.uint32(34).fork(), _depth + 1).ldelim();
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                InviteLink.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.demls.transport.v1.InviteLink();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.version = value;
                                else
                                    delete message.version;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.secret = value;
                                else
                                    delete message.secret;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                message.record = $root.de_mls.messages.v1.InviteLinkRecord.decode(reader, reader.size(), $undefined, _depth + 1, message.record);
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return InviteLink;
            })();

            v1.JoinStatus = (function() {

                const JoinStatus = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                JoinStatus.prototype.conversationId = "";
                JoinStatus.prototype.joiner = $util.newBuffer([]);
                JoinStatus.prototype.status = 0;
                JoinStatus.prototype.proposalId = 0;
                JoinStatus.prototype.epoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                JoinStatus.prototype.responder = $util.newBuffer([]);
                JoinStatus.prototype.keyPackageHash = $util.newBuffer([]);
                JoinStatus.prototype.signedAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                JoinStatus.prototype.signature = $util.newBuffer([]);
                JoinStatus.prototype.rejectReason = 0;

                JoinStatus.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(10).string(message.conversationId);
                    if (message.joiner != null && $Object.hasOwnProperty.call(message, "joiner") && message.joiner.length)
                        writer.uint32(18).bytes(message.joiner);
                    if (message.status != null && $Object.hasOwnProperty.call(message, "status") && message.status !== 0)
                        writer.uint32(24).int32(message.status);
                    if (message.proposalId != null && $Object.hasOwnProperty.call(message, "proposalId") && message.proposalId !== 0)
                        writer.uint32(32).uint32(message.proposalId);
                    if (message.epoch != null && $Object.hasOwnProperty.call(message, "epoch") && (typeof message.epoch === "object" ? message.epoch.low || message.epoch.high : message.epoch !== 0))
                        writer.uint32(40).uint64(message.epoch);
                    if (message.responder != null && $Object.hasOwnProperty.call(message, "responder") && message.responder.length)
                        writer.uint32(50).bytes(message.responder);
                    if (message.keyPackageHash != null && $Object.hasOwnProperty.call(message, "keyPackageHash") && message.keyPackageHash.length)
                        writer.uint32(58).bytes(message.keyPackageHash);
                    if (message.signedAtMs != null && $Object.hasOwnProperty.call(message, "signedAtMs") && (typeof message.signedAtMs === "object" ? message.signedAtMs.low || message.signedAtMs.high : message.signedAtMs !== 0))
                        writer.uint32(64).uint64(message.signedAtMs);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(74).bytes(message.signature);
                    if (message.rejectReason != null && $Object.hasOwnProperty.call(message, "rejectReason") && message.rejectReason !== 0)
                        writer.uint32(800).int32(message.rejectReason);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                JoinStatus.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.demls.transport.v1.JoinStatus();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.joiner = value;
                                else
                                    delete message.joiner;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.int32())
                                    message.status = value;
                                else
                                    delete message.status;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.uint32())
                                    message.proposalId = value;
                                else
                                    delete message.proposalId;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.epoch = value;
                                else
                                    delete message.epoch;
                                continue;
                            }
                        case 6: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.responder = value;
                                else
                                    delete message.responder;
                                continue;
                            }
                        case 7: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.keyPackageHash = value;
                                else
                                    delete message.keyPackageHash;
                                continue;
                            }
                        case 8: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.signedAtMs = value;
                                else
                                    delete message.signedAtMs;
                                continue;
                            }
                        case 9: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        case 100: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.int32())
                                    message.rejectReason = value;
                                else
                                    delete message.rejectReason;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return JoinStatus;
            })();

            v1.Knock = (function() {

                const Knock = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                Knock.prototype.conversationId = "";
                Knock.prototype.knocker = $util.newBuffer([]);
                Knock.prototype.keyPackage = $util.newBuffer([]);
                Knock.prototype.note = "";
                Knock.prototype.nonce = $util.newBuffer([]);
                Knock.prototype.sentAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                Knock.prototype.expiresAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                Knock.prototype.signature = $util.newBuffer([]);

                Knock.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(10).string(message.conversationId);
                    if (message.knocker != null && $Object.hasOwnProperty.call(message, "knocker") && message.knocker.length)
                        writer.uint32(18).bytes(message.knocker);
                    if (message.keyPackage != null && $Object.hasOwnProperty.call(message, "keyPackage") && message.keyPackage.length)
                        writer.uint32(26).bytes(message.keyPackage);
                    if (message.note != null && $Object.hasOwnProperty.call(message, "note") && message.note !== "")
                        writer.uint32(34).string(message.note);
                    if (message.nonce != null && $Object.hasOwnProperty.call(message, "nonce") && message.nonce.length)
                        writer.uint32(42).bytes(message.nonce);
                    if (message.sentAtMs != null && $Object.hasOwnProperty.call(message, "sentAtMs") && (typeof message.sentAtMs === "object" ? message.sentAtMs.low || message.sentAtMs.high : message.sentAtMs !== 0))
                        writer.uint32(48).uint64(message.sentAtMs);
                    if (message.expiresAtMs != null && $Object.hasOwnProperty.call(message, "expiresAtMs") && (typeof message.expiresAtMs === "object" ? message.expiresAtMs.low || message.expiresAtMs.high : message.expiresAtMs !== 0))
                        writer.uint32(56).uint64(message.expiresAtMs);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(66).bytes(message.signature);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                Knock.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.demls.transport.v1.Knock();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.knocker = value;
                                else
                                    delete message.knocker;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.keyPackage = value;
                                else
                                    delete message.keyPackage;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.note = value;
                                else
                                    delete message.note;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.nonce = value;
                                else
                                    delete message.nonce;
                                continue;
                            }
                        case 6: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.sentAtMs = value;
                                else
                                    delete message.sentAtMs;
                                continue;
                            }
                        case 7: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.expiresAtMs = value;
                                else
                                    delete message.expiresAtMs;
                                continue;
                            }
                        case 8: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return Knock;
            })();

            v1.KnockAnswerKind = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "KNOCK_ANSWER_UNSPECIFIED"] = 0;
                values[valuesById[1] = "KNOCK_ANSWER_LET_IN"] = 1;
                values[valuesById[2] = "KNOCK_ANSWER_DECLINED"] = 2;
                return values;
            })();

            v1.KnockAnswer = (function() {

                const KnockAnswer = function (properties) {
                    if (properties)
                        for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                };

                KnockAnswer.prototype.conversationId = "";
                KnockAnswer.prototype.knockId = $util.newBuffer([]);
                KnockAnswer.prototype.knocker = $util.newBuffer([]);
                KnockAnswer.prototype.answer = 0;
                KnockAnswer.prototype.member = $util.newBuffer([]);
                KnockAnswer.prototype.signedAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
                KnockAnswer.prototype.signature = $util.newBuffer([]);

                KnockAnswer.encode = function (message, writer, _depth) {
                    if (!writer)
                        writer = $Writer.create();
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (message.conversationId != null && $Object.hasOwnProperty.call(message, "conversationId") && message.conversationId !== "")
                        writer.uint32(10).string(message.conversationId);
                    if (message.knockId != null && $Object.hasOwnProperty.call(message, "knockId") && message.knockId.length)
                        writer.uint32(18).bytes(message.knockId);
                    if (message.knocker != null && $Object.hasOwnProperty.call(message, "knocker") && message.knocker.length)
                        writer.uint32(26).bytes(message.knocker);
                    if (message.answer != null && $Object.hasOwnProperty.call(message, "answer") && message.answer !== 0)
                        writer.uint32(32).int32(message.answer);
                    if (message.member != null && $Object.hasOwnProperty.call(message, "member") && message.member.length)
                        writer.uint32(42).bytes(message.member);
                    if (message.signedAtMs != null && $Object.hasOwnProperty.call(message, "signedAtMs") && (typeof message.signedAtMs === "object" ? message.signedAtMs.low || message.signedAtMs.high : message.signedAtMs !== 0))
                        writer.uint32(48).uint64(message.signedAtMs);
                    if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                        writer.uint32(58).bytes(message.signature);
                    if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                        for (let i = 0; i < message.$unknowns.length; ++i)
                            writer.raw(message.$unknowns[i]);
                    return writer;
                };

                KnockAnswer.decode = function (reader, length, _end, _depth, _target) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (_depth === $undefined)
                        _depth = 0;
                    if (_depth > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    let end, message, value;
                    if (length === $undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw $RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = _target || new $root.demls.transport.v1.KnockAnswer();
                    while (reader.pos < end) {
                        let start = reader.pos;
                        let tag = reader.tag();
                        if (tag === _end) {
                            _end = $undefined;
                            break;
                        }
                        let wireType = tag & 7;
                        switch (tag >>>= 3) {
                        case 1: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.stringVerify()).length)
                                    message.conversationId = value;
                                else
                                    delete message.conversationId;
                                continue;
                            }
                        case 2: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.knockId = value;
                                else
                                    delete message.knockId;
                                continue;
                            }
                        case 3: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.knocker = value;
                                else
                                    delete message.knocker;
                                continue;
                            }
                        case 4: {
                                if (wireType !== 0)
                                    break;
                                if (value = reader.int32())
                                    message.answer = value;
                                else
                                    delete message.answer;
                                continue;
                            }
                        case 5: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.member = value;
                                else
                                    delete message.member;
                                continue;
                            }
                        case 6: {
                                if (wireType !== 0)
                                    break;
                                if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                    message.signedAtMs = value;
                                else
                                    delete message.signedAtMs;
                                continue;
                            }
                        case 7: {
                                if (wireType !== 2)
                                    break;
                                if ((value = reader.bytes()).length)
                                    message.signature = value;
                                else
                                    delete message.signature;
                                continue;
                            }
                        }
                        reader.skipType(wireType, _depth, tag);
                        if (!reader.discardUnknown) {
                            $util.makeProp(message, "$unknowns", false);
                            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                        }
                    }
                    if (length !== $undefined) {
                        if (reader.pos !== end)
                            throw $RangeError("index out of range");
                        reader.len = length;
                    }
                    if (_end !== $undefined)
                        throw $Error("missing end group");
                    return message;
                };

                return KnockAnswer;
            })();

            return v1;
        })();

        return transport;
    })();

    return demls;
})();

export {
  $root as default
};
