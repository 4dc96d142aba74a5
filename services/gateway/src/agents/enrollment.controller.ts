import { Controller, Delete, Get, Inject, Param, Post } from '@nestjs/common';
import { API } from '../common/api';
import { CurrentPrincipal, Doc, Roles, ValidBody } from '../common/decorators';
import type { Principal } from '../common/principal';
import { UuidPipe } from '../common/uuid.pipe';
import {
  type CreateEnrollmentTokenRequest,
  createdEnrollmentToken,
  createEnrollmentTokenRequest,
  enrollmentTokenList,
  enrollmentTokenView,
} from './enrollment.dto';
import { EnrollmentService } from './enrollment.service';

@Controller(`${API}/agents/enrollment-tokens`)
@Roles('admin')
export class EnrollmentController {
  constructor(@Inject(EnrollmentService) private readonly enrollment: EnrollmentService) {}

  @Post()
  @Doc({
    summary: 'Create a one-time agent enrollment token; the token is returned once',
    response: createdEnrollmentToken,
    status: 201,
  })
  create(
    @CurrentPrincipal() actor: Principal,
    @ValidBody(createEnrollmentTokenRequest) body: CreateEnrollmentTokenRequest,
  ) {
    return this.enrollment.create(actor, body);
  }

  @Get()
  @Doc({ summary: 'List enrollment tokens (never the secrets)', response: enrollmentTokenList })
  async list() {
    return { enrollmentTokens: await this.enrollment.list() };
  }

  @Delete(':id')
  @Doc({ summary: 'Revoke an unused enrollment token', response: enrollmentTokenView })
  revoke(@CurrentPrincipal() actor: Principal, @Param('id', UuidPipe) id: string) {
    return this.enrollment.revoke(actor, id);
  }
}
