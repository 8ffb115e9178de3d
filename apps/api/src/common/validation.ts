import { HttpStatus, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError, CommonErrorCode } from './api-error';

export interface FieldProblem {
  field: string;
  problems: string[];
}

function collect(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...collect(e.children ?? [], field)];
  });
}

/** The one global pipe: strips nothing silently (unknown fields are errors), converts types, names every field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: validationFailed,
  });
}

/** The pipe's answer to a body that does not validate: 400 VALIDATION_FAILED naming every field. */
export function validationFailed(errors: ValidationError[]): ApiError {
  const details = collect(errors);
  const message = details.map((d) => `${d.field}: ${d.problems.join('; ')}`).join(' | ');
  return new ApiError(HttpStatus.BAD_REQUEST, CommonErrorCode.VALIDATION_FAILED, message, details);
}
